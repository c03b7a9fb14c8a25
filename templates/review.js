// Review page behaviour: filter, search, keyboard navigation, selection details, permalinks,
// and the post-editing loop: edit or approve the English of a pair, keep the edits in the
// browser's storage, export them as <name>.corrections.json. For a brief of existing English,
// the alignment too: merge a pair's German with a neighbour's English, move English sentences
// between neighbouring pairs (edits of both pairs; a German that shares its neighbour's English
// gets empty English with "shares").
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.pair"));
  var filter = document.getElementById("filter");
  var search = document.getElementById("search");
  var shown = document.getElementById("shown");
  var editor = document.getElementById("editor");
  var editText = document.getElementById("edit-text");
  var editApproved = document.getElementById("edit-approved");
  var editNote = document.getElementById("edit-note");
  var editStatus = document.getElementById("edit-status");
  var exportButton = document.getElementById("export");
  var page = document.body.dataset;
  var storageKey = "de-en-brief corrections: " + page.document;
  var selected = null;
  var built = {};  // id -> {source, target, approved, node} as the brief was built
  rows.forEach(function (row) {
    var text = row.querySelector(".target .text");
    built[row.id] = {
      source: row.querySelector(".source").textContent,
      target: text.textContent,
      approved: row.dataset.approved === "yes",
      node: text.cloneNode(true)
    };
  });
  var edits = loadEdits();
  var glosses = JSON.parse(document.getElementById("glosses").textContent);
  var tip = document.getElementById("gloss-tip");

  function matches(row) {
    var kind = filter.value;
    var checks = row.dataset.checks ? row.dataset.checks.split(" ") : [];
    if (kind === "flagged" && checks.length === 0) return false;
    if (kind === "human" && row.dataset.origin !== "human") return false;
    if (kind === "edited" && !edits[editKey(row)]) return false;
    if (["all", "flagged", "human", "edited"].indexOf(kind) < 0 && checks.indexOf(kind) < 0) return false;
    var query = search.value.trim().toLowerCase();
    if (!query) return true;
    var text = row.querySelector(".source").textContent + " " + row.querySelector(".target .text").textContent;
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
    document.getElementById("details-origin").textContent = row.dataset.origin === "human"
      ? "human" + (row.dataset.approved === "yes" ? ", approved" : "") : "machine translation";
    document.getElementById("details-score").textContent = row.dataset.score
      ? row.dataset.score + " (mean log-probability per token)" : "none";
    copyItems(row.querySelectorAll("ul.flags li"), document.getElementById("details-flags"));
    var terms = document.getElementById("details-terms");
    if (terms) copyItems(row.querySelectorAll("ul.terms li"), terms);
    showGlosses(row);
    if (history.replaceState) history.replaceState(null, "", "#" + row.id);
    if (scroll) row.scrollIntoView({ block: "center" });
    row.focus({ preventScroll: true });
    openEditor(row);
  }

  function copyItems(items, list) {
    list.textContent = "";
    if (items.length === 0) {
      var none = document.createElement("li");
      none.textContent = "none";
      list.appendChild(none);
    }
    Array.prototype.forEach.call(items, function (source) {
      var item = document.createElement("li");
      item.className = source.className;
      item.textContent = source.textContent;
      list.appendChild(item);
    });
  }

  // -- glosses: the dictionary's English of the German words --------------------------------

  function showGlosses(row) {
    var list = document.getElementById("details-glosses");
    list.textContent = "";
    var seen = {};
    Array.prototype.forEach.call(row.querySelectorAll(".source .w, .source .uncovered"), function (word) {
      var key = word.dataset.w || word.textContent.toLowerCase();
      if (seen[key]) return;
      seen[key] = true;
      var item = document.createElement("li");
      var german = document.createElement("b");
      german.lang = "de";
      german.textContent = word.textContent;
      if (word.classList.contains("uncovered")) german.className = "uncovered";
      item.appendChild(german);
      item.appendChild(document.createTextNode(" " + (glosses[key] || "(not in the dictionary)")));
      list.appendChild(item);
    });
  }

  function showTip(event) {
    var word = event.target.closest ? event.target.closest(".source .w") : null;
    if (!word) return;
    tip.textContent = [glosses[word.dataset.w], word.dataset.term].filter(Boolean).join(" · ");
    if (word.classList.contains("uncovered")) tip.textContent += " · no counterpart found in the English";
    var box = word.getBoundingClientRect();
    tip.style.left = Math.max(4, box.left + window.scrollX) + "px";
    tip.style.top = (box.bottom + window.scrollY + 4) + "px";
    tip.hidden = false;
  }

  function hideTip(event) {
    if (event.target.closest && event.target.closest(".source .w")) tip.hidden = true;
  }

  document.addEventListener("mouseover", showTip);
  document.addEventListener("mouseout", hideTip);
  document.addEventListener("focusin", showTip);
  document.addEventListener("focusout", hideTip);

  // -- editing ------------------------------------------------------------------------------

  function loadEdits() {
    try {
      var stored = JSON.parse(localStorage.getItem(storageKey) || "{}");
      return stored && typeof stored === "object" ? stored : {};
    } catch (error) {
      return {};
    }
  }

  function saveEdits() {
    try {
      localStorage.setItem(storageKey, JSON.stringify(edits));
    } catch (error) {
      editStatus.textContent = "Could not keep the edits in this browser: export them now.";
    }
    var count = Object.keys(edits).length;
    exportButton.textContent = "Export corrections (" + count + ")";
    exportButton.disabled = count === 0;
  }

  // An edit belongs to a pair id and its German: edits made on an older build of the page
  // whose German has changed since stay apart, and are still exported.
  function editKey(row) {
    return row.id + "\n" + built[row.id].source;
  }

  function current(row) {
    var edit = edits[editKey(row)];
    return edit
      ? { target: edit.new_target, approved: edit.approved, note: edit.note }
      : { target: built[row.id].target, approved: built[row.id].approved, note: "" };
  }

  function show(row) {
    var edit = edits[editKey(row)];
    var text = row.querySelector(".target .text");
    var lead = row.querySelector(".target .with-lead");
    if (lead) lead.hidden = Boolean(edit);
    if (edit) text.textContent = edit.shares ? "↑ in the English of " + edit.shares : edit.new_target;
    else text.replaceWith(built[row.id].node.cloneNode(true));
    row.classList.toggle("edited", Boolean(edit));
    row.querySelector(".edit-state").textContent = edit ? (edit.approved ? "✓ approved here" : "✎ edited here") : "";
  }

  function openEditor(row) {
    var state = current(row);
    editor.hidden = false;
    editText.value = state.target;
    editApproved.checked = state.approved;
    editNote.value = state.note;
    editStatus.textContent = edits[editKey(row)] ? "Edited " + edits[editKey(row)].time : "";
  }

  function saveEditor(event) {
    event.preventDefault();
    if (!selected) return;
    var id = selected.id;
    var key = editKey(selected);
    var target = editText.value.replace(/\s+/g, " ").trim();
    if (!target) { editStatus.textContent = "The English cannot be empty; use Revert instead."; return; }
    var original = built[id];
    if (target === original.target && editApproved.checked === original.approved && !editNote.value.trim()) {
      delete edits[key];
    } else {
      edits[key] = {
        id: id, source: original.source, old_target: original.target, new_target: target,
        approved: editApproved.checked, note: editNote.value.trim(), time: new Date().toISOString()
      };
    }
    saveEdits();
    show(selected);
    editStatus.textContent = edits[key] ? "Saved in this browser; export to keep it." : "No change from the built English.";
    selected.focus({ preventScroll: true });  // keys navigate again
  }

  function revertEditor() {
    if (!selected) return;
    delete edits[editKey(selected)];
    saveEdits();
    show(selected);
    openEditor(selected);
    editStatus.textContent = "Reverted to the built English.";
  }

  // -- alignment ----------------------------------------------------------------------------

  var aligned = rows.some(function (row) { return row.dataset.bead; });
  var realignButtons = editor.querySelector(".realign");

  function sentences(text) {
    return (text.match(/[^.!?…]+(?:[.!?…]+["”’»)\]]*|$)/g) || [])
      .map(function (sentence) { return sentence.trim(); }).filter(Boolean);
  }

  function english(row) {
    var edit = edits[editKey(row)];
    return edit ? edit.new_target : built[row.id].target;
  }

  function setEnglish(row, target, shares) {
    var original = built[row.id];
    var key = editKey(row);
    if (target === original.target && !shares) {
      delete edits[key];
      return;
    }
    edits[key] = {
      id: row.id, source: original.source, old_target: original.target, new_target: target, approved: false,
      note: shares ? "shares the English of " + shares : "alignment corrected", time: new Date().toISOString()
    };
    if (shares) edits[key].shares = shares;
  }

  function joined(first, second) {
    return [first, second].filter(Boolean).join(" ");
  }

  // Each action changes the English of the selected pair and one neighbour; a pair left without
  // English of its own shares the English of the pair before it.
  function realign(action) {
    if (!aligned || !selected) return;
    var index = rows.indexOf(selected);
    var here = selected;
    var next = rows[index + 1];
    if (action === "merge-previous") {
      if (index === 0) return;
      next = here;
      here = rows[index - 1];
      action = "merge-next";
    }
    if (!next) { editStatus.textContent = "There is no next pair."; return; }
    var own = sentences(english(here));
    var theirs = sentences(english(next));
    if (action === "merge-next") {
      setEnglish(here, joined(english(here), english(next)));
      setEnglish(next, "", here.id);
    } else if (action === "down") {
      if (own.length < 2) { editStatus.textContent = "This English has one sentence; merge instead."; return; }
      setEnglish(here, own.slice(0, -1).join(" "));
      setEnglish(next, joined(own[own.length - 1], english(next)));
    } else if (action === "up") {
      if (!theirs.length) { editStatus.textContent = "The next pair has no English of its own."; return; }
      setEnglish(here, joined(english(here), theirs[0]));
      if (theirs.length > 1) setEnglish(next, theirs.slice(1).join(" "));
      else setEnglish(next, "", here.id);
    }
    saveEdits();
    show(here);
    show(next);
    openEditor(selected);
    editStatus.textContent = "Alignment changed in this browser; export to keep it.";
  }

  function exportCorrections() {
    var order = {};
    rows.forEach(function (row, index) { order[row.id] = index; });
    var list = Object.keys(edits).map(function (key) { return edits[key]; });
    list.sort(function (a, b) {
      return (order[a.id] === undefined ? 1e9 : order[a.id]) - (order[b.id] === undefined ? 1e9 : order[b.id]);
    });
    var data = {
      format: "de-en-brief corrections", version: 1, document: page.document, input: page.input,
      sha256: page.sha256, english: page.english, exported: new Date().toISOString(), corrections: list
    };
    var blob = new Blob([JSON.stringify(data, null, 2) + "\n"], { type: "application/json" });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = page.document + ".corrections.json";
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
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
  editor.addEventListener("submit", saveEditor);
  document.getElementById("edit-revert").addEventListener("click", revertEditor);
  realignButtons.hidden = !aligned;
  Array.prototype.forEach.call(realignButtons.querySelectorAll("button"), function (button) {
    button.addEventListener("click", function () { realign(button.dataset.realign); });
  });
  exportButton.addEventListener("click", exportCorrections);
  editText.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) saveEditor(event);
  });
  document.addEventListener("keydown", function (event) {
    if (event.target === search) {
      if (event.key === "Escape") { search.value = ""; apply(); search.blur(); }
      return;
    }
    if (editor.contains(event.target)) {
      if (event.key === "Escape" && selected) selected.focus();
      return;
    }
    if (event.target === filter || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "j" || event.key === "ArrowDown") { step(1, false); event.preventDefault(); }
    else if (event.key === "k" || event.key === "ArrowUp") { step(-1, false); event.preventDefault(); }
    else if (event.key === "n") { step(1, true); event.preventDefault(); }
    else if (event.key === "/") { search.focus(); event.preventDefault(); }
    else if (event.key === "e" && selected) { editText.focus(); event.preventDefault(); }
    else if (event.key === "m") { realign("merge-next"); event.preventDefault(); }
    else if (event.key === "M") { realign("merge-previous"); event.preventDefault(); }
    else if (event.key === "]") { realign("down"); event.preventDefault(); }
    else if (event.key === "[") { realign("up"); event.preventDefault(); }
  });

  function fromHash() {
    var id = decodeURIComponent(location.hash.slice(1));
    var row = id && document.getElementById(id);
    if (row && row.classList.contains("pair")) select(row, true);
  }
  window.addEventListener("hashchange", fromHash);
  rows.forEach(show);
  var elsewhere = Object.keys(edits).filter(function (key) {
    var id = edits[key].id;
    return !built[id] || built[id].source !== edits[key].source;
  }).length;
  if (elsewhere) {
    var note = document.getElementById("elsewhere");
    note.hidden = false;
    note.textContent = elsewhere + " saved edit(s) are for German sentences no longer on this page; "
      + "they are still exported, and corrections apply reports them.";
  }
  saveEdits();
  apply();
  fromHash();
})();
