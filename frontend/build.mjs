// Builds the front end: GOV.UK Frontend compiled from Sass under the council's branding, plus the
// GOV.UK JavaScript and images copied into static/dist/ (build output, not committed).
// Run with `npm run build`. No dependencies beyond `sass`, `govuk-frontend` and `leaflet` (the map
// of places, copied as it is published).
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { NodePackageImporter, compile } from "sass";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
const dist = join(root, "static", "dist");

function buildCss() {
  const entry = join(root, "frontend", "scss", "main.scss");
  const result = compile(entry, {
    importers: [new NodePackageImporter(root)],
    style: "compressed",
    sourceMap: false,
    // GOV.UK Frontend's own deprecation notices are not ours to fix.
    quietDeps: true,
  });
  if (/GDS Transport/i.test(result.css)) {
    throw new Error("Compiled CSS mentions GDS Transport: the council must not use the GOV.UK font.");
  }
  const out = join(dist, "css", "main.css");
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, result.css + "\n");
  console.log(`css     ${out} (${result.css.length} bytes)`);
}

function copy(from, to) {
  if (!existsSync(from)) {
    throw new Error(`Missing ${from}: run npm install first.`);
  }
  mkdirSync(dirname(to), { recursive: true });
  cpSync(from, to, { recursive: true });
  console.log(`copy    ${to}`);
}

function copyGovuk() {
  copy(join(govuk, "govuk-frontend.min.js"), join(dist, "govuk", "govuk-frontend.min.js"));
  // Images only (the crown and crest images are harmless files nobody links to); never the fonts.
  copy(join(govuk, "assets", "images"), join(dist, "govuk", "assets", "images"));
  const rebrand = join(govuk, "assets", "rebrand");
  if (existsSync(rebrand)) {
    cpSync(rebrand, join(dist, "govuk", "assets", "rebrand"), {
      recursive: true,
      filter: (src) => !src.includes(`${join("rebrand", "fonts")}`),
    });
    console.log(`copy    ${join(dist, "govuk", "assets", "rebrand")}`);
  }
}

function copyLeaflet() {
  const leaflet = join(root, "node_modules", "leaflet", "dist");
  // The source map too: the module names it, and production static files storage checks references.
  for (const name of ["leaflet-src.esm.js", "leaflet-src.esm.js.map", "leaflet.css", "images"]) {
    copy(join(leaflet, name), join(dist, "leaflet", name));
  }
}

try {
  rmSync(dist, { recursive: true, force: true });
  buildCss();
  copyGovuk();
  copyLeaflet();
  console.log("Front end built.");
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
