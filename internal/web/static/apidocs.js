// Starts the vendored Swagger UI on /api/docs. A file, not an inline
// script, so the page runs under the same Content-Security-Policy as the rest.
window.addEventListener("DOMContentLoaded", function () {
  var el = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({ url: el.dataset.url, dom_id: "#swagger-ui", deepLinking: true });
});
