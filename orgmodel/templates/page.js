(function () {
  "use strict";
  function cellKey(row, col) {
    var c = row.cells[col];
    if (!c) { return ""; }
    var v = c.getAttribute("data-v");
    if (v !== null && v !== "" && !isNaN(Number(v))) { return Number(v); }
    return c.textContent.trim();
  }
  function sortTable(table, col, th) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
    table.querySelectorAll("th[data-col]").forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
    rows.sort(function (a, b) {
      var x = cellKey(a, col), y = cellKey(b, col);
      if (typeof x === "number" && typeof y === "number") { return (x - y) * dir; }
      if (typeof x === "number") { return -dir; }
      if (typeof y === "number") { return dir; }
      return String(x).localeCompare(String(y), "zh-CN") * dir;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("th[data-col]").forEach(function (th) {
      th.setAttribute("title", "点击排序");
      th.addEventListener("click", function () { sortTable(table, Number(th.getAttribute("data-col")), th); });
    });
  });

  var data = document.getElementById("search-index");
  var box = document.getElementById("search-box");
  if (!data || !box) { return; }
  if (window.location.hash === "#search") { box.focus(); }
  // The index is split into one script per county page beside the pages (search/*.js),
  // loaded the first time the box is used: a page opened from disk may load scripts but
  // not read data files, and no page should carry every body of a province.
  var config = JSON.parse(data.textContent);
  var index = [];
  var requested = false;
  var pending = config.files.length;
  window.orgmodelSearch = function (entries) {
    entries.forEach(function (e) { e.h = config.base + e.h; index.push(e); });
    pending -= 1;
    search();
  };
  function load() {
    if (requested) { return; }
    requested = true;
    config.files.forEach(function (src) {
      var s = document.createElement("script");
      s.src = src;
      document.head.appendChild(s);
    });
  }
  var list = document.getElementById("search-results");
  var wrap = box.parentNode;
  function item(entry, hit) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = entry.h;
    a.textContent = entry.n;
    li.appendChild(a);
    var where = document.createElement("span");
    where.className = "where";
    where.textContent = " · " + entry.d + (hit ? " · 牌子:" + hit : "") +
      (entry.s.length ? " · 一个机构 " + (entry.s.length + 1) + " 块牌子" : "");
    li.appendChild(where);
    return li;
  }
  function search() {
    var q = box.value.trim();
    list.textContent = "";
    if (!q) { wrap.classList.remove("open"); return; }
    var shown = 0;
    index.forEach(function (e) {
      if (shown >= 30) { return; }
      var hit = null;
      if (e.n.indexOf(q) < 0 && (e.d + "/" + e.n).indexOf(q) < 0) {  // 青石镇/党政 finds 青石镇's 党政办公室
        hit = e.s.filter(function (s) { return s.indexOf(q) >= 0; })[0] || null;
        if (!hit) { return; }
      }
      list.appendChild(item(e, hit));
      shown += 1;
    });
    if (!shown) {
      var li = document.createElement("li");
      li.textContent = pending > 0 ? "正在载入机构名单…" : "没有找到名称或牌子含“" + q + "”的机构";
      list.appendChild(li);
    }
    wrap.classList.add("open");
  }
  box.addEventListener("focus", load);
  box.addEventListener("input", function () { load(); search(); });
  box.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") {
      var first = list.querySelector("a");
      if (first) { window.location.href = first.getAttribute("href"); }
    } else if (ev.key === "Escape") { box.value = ""; search(); }
  });
})();
