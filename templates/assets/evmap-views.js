/* Filters and cell names of the evidence matrix (evmap). Plain JavaScript, no dependencies.
 *
 * Each non-empty cell carries its evidence items in data-items as 5-character
 * tokens: stance (s, c or m), then the codes of the item's species, evidence
 * type, certainty grade and how it was read (first- or second-hand). A value's code is the position of its checkbox in
 * its fieldset, as a digit of CODE_DIGITS (evmap.site.views.filter_codes writes
 * them). The page is complete without this script: the server renders the full
 * counts and keeps the form hidden. With it, the form is shown and every change
 * recounts the cells from the items whose species, evidence type, certainty and
 * source are all checked; hovering or focusing a cell names its compound and pathway.
 */
(function () {
  "use strict";

  var CODE_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz";
  var GLYPHS = { s: "\u25B2", c: "\u25BC", m: "\u25C6" };
  var FLAG = "\u26A0";

  var form = document.querySelector("form.evmap-filters");
  var matrix = document.querySelector("table.evmap-matrix");
  if (!form || !matrix) {
    return;
  }
  var cells = Array.prototype.slice.call(matrix.querySelectorAll("td[data-items]"));
  // Tips written at build time: cells whose evidence points both ways, naming the models.
  // (Tips are shown by evmap-tips.js as text; evmap never uses title attributes.)
  cells.forEach(function (cell) {
    cell.evmapTip = cell.getAttribute("data-tip") || "";
  });
  var columns = Array.prototype.slice.call(matrix.querySelectorAll("thead th.evmap-col"));
  var filledOut = document.querySelector("[data-evmap-filled]");
  var flaggedOut = document.querySelector("[data-evmap-flagged]");
  var status = form.querySelector(".evmap-filter-status");

  /* Whether each code of a filter group is checked: {"0": true, "1": false, ...}. */
  function checked(name) {
    var codes = {};
    var boxes = form.querySelectorAll('input[name="' + name + '"]');
    for (var i = 0; i < boxes.length; i += 1) {
      codes[CODE_DIGITS.charAt(i)] = boxes[i].checked;
    }
    return codes;
  }

  function balance(n) {
    if (n.s && !n.c && !n.m) {
      return "s";
    }
    if (n.c && !n.s && !n.m) {
      return "c";
    }
    return "m";
  }

  /* Rewrite a cell from its counts: class, count, glyphs, flag, and hide its link when empty. */
  function show(cell, n) {
    var total = n.s + n.c + n.m;
    var link = cell.querySelector("a");
    var parts = [];
    ["s", "c", "m"].forEach(function (stance) {
      if (n[stance]) {
        parts.push(GLYPHS[stance] + n[stance]);
      }
    });
    var flagged = n.s > 0 && n.c > 0;
    if (flagged) {
      parts.push(FLAG);
    }
    cell.className = total ? balance(n) : "e";
    link.hidden = total === 0;
    link.querySelector("b").textContent = String(total);
    if (link.childNodes.length < 2) {
      link.appendChild(document.createTextNode(""));
    }
    link.childNodes[1].nodeValue = " " + parts.join(" ");
    if (cell.evmapTip) {
      cell.setAttribute("data-tip", flagged ? cell.evmapTip : "");
    }
    return total;
  }

  function update() {
    var species = checked("species");
    var types = checked("type");
    var grades = checked("certainty");
    var sources = checked("source");
    var filled = 0;
    var flagged = 0;
    var items = 0;
    cells.forEach(function (cell) {
      var n = { s: 0, c: 0, m: 0 };
      cell.getAttribute("data-items").split(" ").forEach(function (token) {
        if (
          token.length === 5 &&
          species[token.charAt(1)] &&
          types[token.charAt(2)] &&
          grades[token.charAt(3)] &&
          sources[token.charAt(4)]
        ) {
          n[token.charAt(0)] += 1;
        }
      });
      var total = show(cell, n);
      filled += total ? 1 : 0;
      flagged += n.s && n.c ? 1 : 0;
      items += total;
    });
    if (filledOut) {
      filledOut.textContent = String(filled);
    }
    if (flaggedOut) {
      flaggedOut.textContent = String(flagged);
    }
    if (status) {
      status.textContent =
        filled + " cells hold evidence under these filters (" + items + " items, counted in every cell of their claim).";
    }
  }

  /* On hover or focus, a cell is named after its row and column (unless its built tip
     shows): the tip is set before evmap-tips.js, listening on the document, shows it. */
  function nameCell(event) {
    var cell = event.target.closest ? event.target.closest("td") : null;
    var column = cell ? columns[cell.cellIndex - 1] : null;
    if (!column || (cell.evmapTip && cell.getAttribute("data-tip") !== "")) {
      return;
    }
    var link = cell.querySelector("a");
    var what = "no evidence";
    if (link && !link.hidden) {
      what = link.querySelector("b").textContent + " evidence items," + link.childNodes[1].nodeValue;
    }
    var row = cell.parentNode.querySelector("th");
    cell.setAttribute("data-tip", row.textContent + " \u00D7 " + column.textContent + ": " + what);
  }
  matrix.addEventListener("mouseover", nameCell);
  matrix.addEventListener("focusin", nameCell);

  form.hidden = false;
  form.addEventListener("change", update);
  form.addEventListener("reset", function () {
    window.setTimeout(update, 0);
  });
  update();
})();
