// Review page behaviour: filter, search, keyboard navigation, selection details, permalinks.
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.pair"));
  var filter = document.getElementById("filter");
  var search = document.getElementById("search");
  var shown = document.getElementById("shown");
  var selected = null;

  function matches(row) {
    var kind = filter.value;
    var checks = row.dataset.checks ? row.dataset.checks.split(" ") : [];
    if (kind === "flagged" && checks.length === 0) return false;
    if (kind !== "all" && kind !== "flagged" && checks.indexOf(kind) < 0) return false;
    var query = search.value.trim().toLowerCase();
    if (!query) return true;
    var text = row.querySelector(".source").textContent + " " + row.querySelector(".target").textContent;
    return text.toLowerCase().indexOf(query) >= 0;
  }

  function apply() {
    var count = 0;
    rows.forEach(function (row) {
      row.hidden = !matches(row);
      if (!row.hidden) count += 1;
    });
    shown.textContent = count + " of " + rows.length + " shown";
  }

  function select(row, scroll) {
    if (selected) selected.classList.remove("selected");
    selected = row;
    row.classList.add("selected");
    row.setAttribute("aria-selected", "true");
    document.getElementById("details-empty").hidden = true;
    document.getElementById("details-body").hidden = false;
    document.getElementById("details-id").textContent = row.id;
    document.getElementById("details-score").textContent = row.dataset.score
      ? row.dataset.score + " (mean log-probability per token)" : "none";
    var list = document.getElementById("details-flags");
    list.textContent = "";
    var flags = row.querySelectorAll("ul.flags li");
    if (flags.length === 0) {
      var none = document.createElement("li");
      none.textContent = "none";
      list.appendChild(none);
    }
    Array.prototype.forEach.call(flags, function (flag) {
      var item = document.createElement("li");
      item.className = flag.className;
      item.textContent = flag.textContent;
      list.appendChild(item);
    });
    if (history.replaceState) history.replaceState(null, "", "#" + row.id);
    if (scroll) row.scrollIntoView({ block: "center" });
    row.focus({ preventScroll: true });
  }

  function step(direction, onlyFlagged) {
    var visible = rows.filter(function (row) {
      return !row.hidden && (!onlyFlagged || row.dataset.checks);
    });
    if (visible.length === 0) return;
    var index = selected ? visible.indexOf(selected) : -1;
    if (index < 0) {
      var position = selected ? rows.indexOf(selected) : -1;
      index = direction > 0 ? -1 : visible.length;
      visible.forEach(function (row, i) {
        if (direction > 0 && rows.indexOf(row) <= position) index = i;
        if (direction < 0 && rows.indexOf(row) < position) index = i + 1;
      });
    }
    var next = visible[(index + direction + visible.length) % visible.length];
    select(next, true);
  }

  rows.forEach(function (row) {
    row.addEventListener("click", function () { select(row, false); });
  });
  filter.addEventListener("change", apply);
  search.addEventListener("input", apply);
  document.addEventListener("keydown", function (event) {
    if (event.target === search) {
      if (event.key === "Escape") { search.value = ""; apply(); search.blur(); }
      return;
    }
    if (event.target === filter || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "j" || event.key === "ArrowDown") { step(1, false); event.preventDefault(); }
    else if (event.key === "k" || event.key === "ArrowUp") { step(-1, false); event.preventDefault(); }
    else if (event.key === "n") { step(1, true); event.preventDefault(); }
    else if (event.key === "/") { search.focus(); event.preventDefault(); }
  });

  function fromHash() {
    var id = decodeURIComponent(location.hash.slice(1));
    var row = id && document.getElementById(id);
    if (row && row.classList.contains("pair")) select(row, true);
  }
  window.addEventListener("hashchange", fromHash);
  apply();
  fromHash();
})();
