// Starts Swagger UI (vendored: /static/vendor/swagger-ui) on /docs over this server's OpenAPI schema.
// A file, not an inline script, so the page's Content-Security-Policy can forbid inline script.
"use strict";
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  layout: "BaseLayout",
  deepLinking: true,
  showExtensions: true,
  showCommonExtensions: true,
  presets: [SwaggerUIBundle.presets.apis],
  validatorUrl: null, // never ask validator.swagger.io (the page loads nothing from elsewhere)
});
