// Tells GOV.UK Frontend's CSS that JavaScript is running and the browser supports its components.
// Loaded with a plain <script src> as the first element in <body>, replacing GOV.UK's usual
// inline snippet so that the Content-Security-Policy can forbid inline scripts.
(function () {
  "use strict";
  var classes = " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
  document.body.className += classes;
})();
