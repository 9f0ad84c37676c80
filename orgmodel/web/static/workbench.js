// The workbench's own behaviour (no inline scripts: the pages' security policy allows only
// scripts from /static). htmx requests carry the page's CSRF token; the township menu
// navigates; the search list opens while it has results.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  document.body.addEventListener("htmx:configRequest", function (ev) {
    if (meta) { ev.detail.headers["X-CSRF-Token"] = meta.content; }
  });
  document.querySelectorAll("select[data-go]").forEach(function (sel) {
    sel.addEventListener("change", function () { if (sel.value) { window.location.href = sel.value; } });
  });
  var hits = document.getElementById("wb-hits");
  if (hits) {
    document.body.addEventListener("htmx:afterSwap", function (ev) {
      if (ev.detail.target === hits) { hits.classList.toggle("open", hits.children.length > 0); }
    });
    document.addEventListener("click", function (ev) {
      if (!hits.contains(ev.target)) { hits.classList.remove("open"); }
    });
  }
})();
