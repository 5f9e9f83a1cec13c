/* The evidence views' scripts (evmap). Plain JavaScript, no dependencies; every page is
 * complete without it.
 *
 * The matrix: each non-empty cell carries its evidence items in data-items as
 * 5-character tokens: the item's stance on the pair's question (s for, c against,
 * m mixed; o for an item of a claim asking another question of the pair, shown as
 * a count of its own and never in the balance), then the codes of the item's species,
 * evidence type, certainty grade and how it was read (first- or second-hand). A
 * value's code is the position of its checkbox in its fieldset, as a digit of
 * CODE_DIGITS (evmap.site.views.filter_codes writes them). The server renders the
 * full counts and keeps the form hidden; here the form is shown and every change
 * recounts the cells from the items whose species, evidence type, certainty and
 * source are all checked; hovering or focusing a cell names its compound and
 * pathway; a line says when more columns lie outside the box.
 *
 * Pathway and compound pages: a toolbar filters the claims by compound, pathway,
 * certainty and stance (from each claim section's data-c, data-p, data-g and data-s),
 * and a button per claim shows or hides its evidence (folded on narrow screens).
 *
 * The network page has its own script, evmap-network.js.
 *
 * Printing: every closed <details> opens before the page prints and closes after (the
 * style sheet prints folded claims whole, and opens disclosures where the browser can).
 */
(function () {
  "use strict";

  var CODE_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz";
  var GLYPHS = { s: "\u25B2", c: "\u25BC", m: "\u25C6" };
  var OTHER = "\u25CB";
  var FLAG = "\u26A0";
  var NARROW = "(max-width: 44.9375em)";

  function plural(n, word, words) {
    return n + " " + (n === 1 ? word : words || word + "s");
  }

  /* -- the matrix: filters, cell names, scroll cue ------------------------------ */
  function matrixFilters(form, matrix) {
  var cells = Array.prototype.slice.call(matrix.querySelectorAll("td[data-items]"));
  // Tips written at build time: cells whose evidence points both ways, naming the models.
  // (Tips are shown by evmap-tips.js as text; evmap never uses title attributes.)
  var columns = Array.prototype.slice.call(matrix.querySelectorAll("thead th.evmap-col"));
  cells.forEach(function (cell) {
    cell.evmapTip = cell.getAttribute("data-tip") || "";
    cell.evmapName =
      cell.parentNode.querySelector("th").textContent +
      " \u00D7 " +
      columns[cell.cellIndex - 1].textContent;
  });
  var panel = form.parentNode.tagName === "DETAILS" ? form.parentNode : null;
  var state = panel ? panel.querySelector(".evmap-filter-state") : null;
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

  /* A cell's accessible name, as evmap.site.matrix_page.cell_label writes it. */
  function cellLabel(cell, n, flagged) {
    var parts = [plural(n.s + n.c + n.m, "evidence item")];
    [["s", "for"], ["c", "against"], ["m", "mixed"]].forEach(function (pair) {
      if (n[pair[0]]) {
        parts.push(n[pair[0]] + " " + pair[1]);
      }
    });
    if (flagged) {
      parts.push("contested");
    }
    if (n.o) {
      parts.push(n.o + " on another question");
    }
    return cell.evmapName + ": " + parts.join(", ");
  }

  /* Rewrite a cell from its counts: class, count, glyphs, flag, name, and hide its link when
     empty. */
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
    if (n.o) {
      parts.push(OTHER + n.o);
    }
    cell.className = total ? balance(n) : n.o ? "o" : "e";
    link.hidden = total === 0 && n.o === 0;
    link.querySelector("b").textContent = String(total);
    link.querySelector("span").textContent = parts.join(" ");
    link.querySelector(".sr").textContent = cellLabel(cell, n, flagged);
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
      var n = { s: 0, c: 0, m: 0, o: 0 };
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
    if (state) {
      var all = Array.prototype.every.call(form.querySelectorAll("input"), function (box) {
        return box.checked;
      });
      state.textContent = all ? "" : " (some evidence hidden)";
    }
    if (status) {
      status.textContent =
        plural(filled, "cell") +
        " hold evidence under these filters (" +
        plural(items, "item") +
        ", each counted in the cells of what it tested).";
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
    if (link && !link.hidden) {
      cell.setAttribute("data-tip", link.querySelector(".sr").textContent);
      return;
    }
    var row = cell.parentNode.querySelector("th");
    cell.setAttribute("data-tip", row.textContent + " \u00D7 " + column.textContent + ": no evidence");
  }
  matrix.addEventListener("mouseover", nameCell);
  matrix.addEventListener("focusin", nameCell);

  form.hidden = false;
  if (panel) {
    panel.hidden = false;
    // The skip link to the filters (#filters, the panel) unfolds them.
    var unfold = function () {
      if (location.hash === "#" + panel.id) {
        panel.open = true;
      }
    };
    window.addEventListener("hashchange", unfold);
    unfold();
  }
  form.addEventListener("change", update);
  form.addEventListener("reset", function () {
    window.setTimeout(update, 0);
  });
  update();
  }

  /* A visible cue when the matrix is wider than its box: which way more columns lie. */
  function matrixScrollCue(matrix) {
    var box = matrix.parentNode;
    var cue = document.createElement("p");
    cue.className = "evmap-scroll-cue";
    cue.setAttribute("aria-live", "polite");
    box.parentNode.insertBefore(cue, box);
    function refresh() {
      var hidden = box.scrollWidth - box.clientWidth;
      if (hidden <= 2) {
        cue.textContent = "";
        cue.hidden = true;
        return;
      }
      cue.hidden = false;
      var left = box.scrollLeft > 2;
      var right = box.scrollLeft < hidden - 2;
      var columns = matrix.querySelectorAll("thead th.evmap-col").length;
      cue.textContent =
        "The matrix is wider than the window (" +
        plural(columns, "pathway column") +
        "): " +
        (right ? "more columns to the right \u2192" : "") +
        (left && right ? "; " : "") +
        (left ? "\u2190 more to the left" : "") +
        ". Scroll the table sideways; the compound names stay in view.";
    }
    box.addEventListener("scroll", refresh, { passive: true });
    window.addEventListener("resize", refresh);
    refresh();
  }

  /* -- pathway and compound pages: filter, collapse and expand the claims -------- */
  function claimTools(list) {
    var claims = Array.prototype.slice.call(list.querySelectorAll("section.claim"));
    if (claims.length < 2 && !window.matchMedia(NARROW).matches) {
      return;
    }
    var names = { c: {}, p: {} };
    claims.forEach(function (claim) {
      // The meta line links the claim's compounds, then its pathways, in data-c / data-p order.
      var meta = claim.querySelector("p.meta");
      // (a.k: links to the definitions of the words, not to a compound or pathway)
      var links = meta ? Array.prototype.slice.call(meta.querySelectorAll("a:not(.k)")) : [];
      var ids = (claim.getAttribute("data-c") || "").split(" ").filter(Boolean);
      var pids = (claim.getAttribute("data-p") || "").split(" ").filter(Boolean);
      ids.concat(pids).forEach(function (id, i) {
        var kind = i < ids.length ? "c" : "p";
        if (links[i]) {
          names[kind][id] = links[i].textContent;
        }
      });
      toggleFor(claim);
    });
    var tools = document.createElement("form");
    tools.className = "evmap-claim-tools";
    tools.setAttribute("aria-label", "Filter the claims of this page");
    function select(key, label, options) {
      var wrap = document.createElement("label");
      wrap.appendChild(document.createTextNode(label));
      var box = document.createElement("select");
      box.name = key;
      var any = document.createElement("option");
      any.value = "";
      any.textContent = "any";
      box.appendChild(any);
      options.forEach(function (pair) {
        var option = document.createElement("option");
        option.value = pair[0];
        option.textContent = pair[1];
        box.appendChild(option);
      });
      wrap.appendChild(box);
      tools.appendChild(wrap);
      return box;
    }
    function sorted(map) {
      return Object.keys(map)
        .map(function (id) {
          return [id, map[id]];
        })
        .sort(function (a, b) {
          return a[1].localeCompare(b[1]);
        });
    }
    var byCompound = select("c", "Compound", sorted(names.c));
    var byPathway = select("p", "Pathway", sorted(names.p));
    var byGrade = select("g", "Certainty", [
      ["high", "High"],
      ["moderate", "Moderate"],
      ["low", "Low"],
      ["very-low", "Very low"]
    ]);
    var byStance = select("s", "Evidence", [
      ["c", "some against (\u25BC)"],
      ["s", "some for (\u25B2)"],
      ["m", "some mixed (\u25C6)"],
      ["sc", "both ways (contested)"]
    ]);
    var collapse = document.createElement("button");
    collapse.type = "button";
    tools.appendChild(collapse);
    var status = document.createElement("output");
    status.setAttribute("aria-live", "polite");
    tools.appendChild(status);
    function allShown() {
      return claims.every(function (claim) {
        return claim.evmapToggle && claim.evmapToggle.getAttribute("aria-expanded") === "true";
      });
    }
    function labelCollapse() {
      collapse.textContent = allShown() ? "Hide all evidence" : "Show all evidence";
    }
    collapse.addEventListener("click", function () {
      var show = !allShown();
      claims.forEach(function (claim) {
        setShown(claim, show);
      });
      labelCollapse();
    });
    function has(attribute, value) {
      return (" " + attribute + " ").indexOf(" " + value + " ") >= 0;
    }
    function apply() {
      var shown = 0;
      claims.forEach(function (claim) {
        var stances = claim.getAttribute("data-s") || "";
        var wanted = byStance.value;
        var ok =
          (!byCompound.value || has(claim.getAttribute("data-c") || "", byCompound.value)) &&
          (!byPathway.value || has(claim.getAttribute("data-p") || "", byPathway.value)) &&
          (!byGrade.value || claim.getAttribute("data-g") === byGrade.value) &&
          (!wanted ||
            wanted.split("").every(function (stance) {
              return stances.indexOf(stance) >= 0;
            }));
        claim.hidden = !ok;
        shown += ok ? 1 : 0;
      });
      status.textContent = shown + " of " + plural(claims.length, "claim") + " shown.";
    }
    tools.addEventListener("change", apply);
    list.parentNode.insertBefore(tools, list);
    apply();
    labelCollapse();
  }

  function setShown(claim, show) {
    var button = claim.evmapToggle;
    if (!button) {
      return;
    }
    button.setAttribute("aria-expanded", show ? "true" : "false");
    button.textContent = show ? "Hide evidence" : "Show evidence (" + button.evmapCount + ")";
    claim.evmapParts.forEach(function (part) {
      part.hidden = !show;
    });
  }

  /* A button that shows or hides a claim's evidence; on narrow screens claims start folded. */
  function toggleFor(claim) {
    var table = claim.querySelector("table.ev");
    if (!table) {
      return;
    }
    var parts = Array.prototype.slice
      .call(claim.children)
      .filter(function (el) {
        return el.matches("table.ev, .evmap-flag, p.facets, p.grp, details.else");
      });
    var button = document.createElement("button");
    button.type = "button";
    button.className = "evmap-toggle";
    button.evmapCount = plural(table.tBodies[0].rows.length, "item");
    button.setAttribute("aria-controls", claim.id);
    claim.evmapToggle = button;
    claim.evmapParts = parts;
    var meta = claim.querySelector("p.meta");
    (meta || table).parentNode.insertBefore(button, (meta || table).nextSibling);
    button.addEventListener("click", function () {
      setShown(claim, button.getAttribute("aria-expanded") !== "true");
    });
    var target = window.location.hash === "#" + claim.id;
    setShown(claim, target || !window.matchMedia(NARROW).matches);
  }

  /* -- printing: open every disclosure, then close again what was closed ---------- */
  var openedForPrint = [];
  window.addEventListener("beforeprint", function () {
    Array.prototype.slice.call(document.querySelectorAll("details:not([open])")).forEach(function (el) {
      el.open = true;
      openedForPrint.push(el);
    });
  });
  window.addEventListener("afterprint", function () {
    openedForPrint.forEach(function (el) {
      el.open = false;
    });
    openedForPrint = [];
  });

  var form = document.querySelector("form.evmap-filters");
  var matrix = document.querySelector("table.evmap-matrix");
  if (form && matrix) {
    matrixFilters(form, matrix);
  }
  if (matrix) {
    matrixScrollCue(matrix);
  }
  Array.prototype.slice.call(document.querySelectorAll(".evmap-claims")).forEach(claimTools);
})();
