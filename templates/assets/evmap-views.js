/* Filters of the evidence matrix (evmap). Plain JavaScript, no dependencies.
 *
 * Each non-empty cell carries its evidence items in data-items as tokens
 * "stance/species/type/grade" (stance: s, c or m). The page is complete without
 * this script: the server renders the full counts and keeps the form hidden.
 * With it, the form is shown and every change recounts the cells from the
 * items whose species, evidence type and certainty are all checked.
 */
(function () {
  "use strict";

  var form = document.querySelector("form.evmap-filters");
  var matrix = document.querySelector("table.evmap-matrix");
  if (!form || !matrix) {
    return;
  }
  var cells = Array.prototype.slice.call(matrix.querySelectorAll("td[data-items]"));
  var filledOut = document.querySelector("[data-evmap-filled]");
  var flaggedOut = document.querySelector("[data-evmap-flagged]");
  var status = form.querySelector(".evmap-filter-status");

  function checked(name) {
    var values = {};
    var boxes = form.querySelectorAll('input[name="' + name + '"]');
    for (var i = 0; i < boxes.length; i += 1) {
      if (boxes[i].checked) {
        values[boxes[i].value] = true;
      }
    }
    return values;
  }

  function show(element, count, glyph) {
    element.hidden = count === 0;
    element.textContent = glyph + count;
  }

  function balance(s, c, m) {
    if (s + c + m === 0) {
      return "empty";
    }
    if (s && !c && !m) {
      return "supports";
    }
    if (c && !s && !m) {
      return "contradicts";
    }
    return "mixed";
  }

  function update() {
    var species = checked("species");
    var types = checked("type");
    var grades = checked("certainty");
    var filled = 0;
    var flagged = 0;
    var items = 0;
    cells.forEach(function (cell) {
      var counts = { s: 0, c: 0, m: 0 };
      cell.getAttribute("data-items").split(" ").forEach(function (token) {
        var part = token.split("/");
        if (part.length === 4 && species[part[1]] && types[part[2]] && grades[part[3]]) {
          counts[part[0]] += 1;
        }
      });
      var total = counts.s + counts.c + counts.m;
      var kind = balance(counts.s, counts.c, counts.m);
      cell.className = "evmap-cell evmap-cell--" + kind;
      cell.querySelector("a").hidden = total === 0;
      cell.querySelector(".evmap-n").textContent = String(total);
      show(cell.querySelector(".evmap-g-s"), counts.s, "\u25B2");
      show(cell.querySelector(".evmap-g-c"), counts.c, "\u25BC");
      show(cell.querySelector(".evmap-g-m"), counts.m, "\u25C6");
      cell.querySelector(".evmap-g-flag").hidden = !(counts.s && counts.c);
      filled += total ? 1 : 0;
      flagged += counts.s && counts.c ? 1 : 0;
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

  form.hidden = false;
  form.addEventListener("change", update);
  form.addEventListener("reset", function () {
    window.setTimeout(update, 0);
  });
  update();
})();
