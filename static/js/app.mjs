// Starts every GOV.UK Frontend component on the page (error summary focus, service navigation
// menu toggle, notification banners and so on). Loaded as a module, so it runs after parsing
// and only in browsers GOV.UK Frontend supports.
import { initAll } from "../dist/govuk/govuk-frontend.min.js";

initAll();
