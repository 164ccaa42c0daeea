// The map of places: an enhancement of the places table beside it, never the only way to see the
// places. It reads each table row's data-lat, data-lng, data-name and data-url attributes and adds
// a marker that links to the place. Tiles come from the URL in data-tile-url; with none set (the
// default) the map shows the markers only.
import * as L from "../dist/leaflet/leaflet-src.esm.js";

for (const container of document.querySelectorAll("[data-place-map]")) {
  const rows = [...document.querySelectorAll("[data-place-table] tr[data-lat]")];
  if (!rows.length) {
    continue;
  }
  container.hidden = false;
  const map = L.map(container.querySelector("[data-map-canvas]"), { scrollWheelZoom: false });
  const tileUrl = container.dataset.tileUrl;
  if (tileUrl) {
    L.tileLayer(tileUrl, { attribution: container.dataset.attribution || "", maxZoom: 19 }).addTo(map);
  }
  const points = rows.map((row) => {
    const point = [Number(row.dataset.lat), Number(row.dataset.lng)];
    const marker = L.marker(point, { title: row.dataset.name, alt: row.dataset.name, keyboard: true });
    const link = document.createElement("a");
    link.href = row.dataset.url;
    link.className = "govuk-link";
    link.textContent = row.dataset.name;
    marker.bindPopup(link).addTo(map);
    return point;
  });
  map.fitBounds(L.latLngBounds(points), { padding: [30, 30], maxZoom: 15 });
}
