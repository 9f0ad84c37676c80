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
  // A new day or a download can take a while on a large ledger: say so at once.
  var busy = document.getElementById("wb-busy");
  function waiting(text) {
    if (busy) { if (text) { busy.textContent = text; } busy.hidden = false; }
  }
  document.querySelectorAll("form.wb-day").forEach(function (form) {
    form.addEventListener("submit", function () { waiting(null); });
  });
  document.querySelectorAll(".wb-day a, .wb-downloads a").forEach(function (a) {
    a.addEventListener("click", function () {
      waiting(a.closest(".wb-downloads") ? "正在生成下载文件,请稍候……(省级台账的工作簿约需一分钟;浏览器随后开始下载)" : null);
    });
  });
  // A step that simulates a plan (compare, submit, approve, commit) says so while it works.
  document.querySelectorAll("[data-busy]").forEach(function (el) {
    el.addEventListener(el.tagName === "FORM" ? "submit" : "click", function () { waiting(el.getAttribute("data-busy")); });
  });
  window.addEventListener("pageshow", function () { if (busy) { busy.hidden = true; } });
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
