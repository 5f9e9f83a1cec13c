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
 * The network: hovering, focusing or choosing a node lights its edges and neighbours
 * (edges name their two ends in data-ends) and dims the rest.
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
    if (n.o) {
      parts.push(OTHER + n.o);
    }
    cell.className = total ? balance(n) : n.o ? "o" : "e";
    link.hidden = total === 0 && n.o === 0;
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

  /* -- the network: highlight a node's neighbourhood; focus on one --------------- */
  function networkExplorer(svg) {
    var nodes = {};
    var edges = Array.prototype.slice.call(svg.querySelectorAll("[data-ends]"));
    Array.prototype.slice.call(svg.querySelectorAll("a.evmap-net-node")).forEach(function (node) {
      nodes[node.getAttribute("data-node")] = { el: node, edges: [], near: {} };
    });
    edges.forEach(function (edge) {
      var ends = edge.getAttribute("data-ends").split(" ");
      ends.forEach(function (key) {
        if (nodes[key]) {
          nodes[key].edges.push(edge);
          ends.forEach(function (other) {
            nodes[key].near[other] = true;
          });
        }
      });
    });
    var pinned = null;
    var lit = null;
    var touch = false;
    function clear() {
      lit = null;
      svg.classList.remove("evmap-focus");
      Array.prototype.slice.call(svg.querySelectorAll(".evmap-on")).forEach(function (el) {
        el.classList.remove("evmap-on");
      });
    }
    /* Light up a node, its edges and its neighbours; through a claim, two steps. */
    function light(key) {
      clear();
      lit = key;
      var node = nodes[key];
      if (!node) {
        return;
      }
      svg.classList.add("evmap-focus");
      var keys = {};
      keys[key] = true;
      Object.keys(node.near).forEach(function (near) {
        keys[near] = true;
      });
      node.edges.forEach(function (edge) {
        edge.classList.add("evmap-on");
      });
      // A compound or pathway lights its claims' other ends too: the whole neighbourhood.
      if (key.charAt(0) !== "k") {
        Object.keys(node.near).forEach(function (near) {
          if (near.charAt(0) === "k" && nodes[near]) {
            nodes[near].edges.forEach(function (edge) {
              edge.classList.add("evmap-on");
            });
            Object.keys(nodes[near].near).forEach(function (far) {
              keys[far] = true;
            });
          }
        });
      }
      Object.keys(keys).forEach(function (k) {
        if (nodes[k]) {
          nodes[k].el.classList.add("evmap-on");
        }
      });
    }
    function keyOf(target) {
      var node = target.closest ? target.closest("a.evmap-net-node") : null;
      return node ? node.getAttribute("data-node") : null;
    }
    svg.addEventListener("mouseover", function (event) {
      var key = keyOf(event.target);
      if (key && !pinned && !touch) {
        light(key);
      }
    });
    svg.addEventListener("mouseout", function (event) {
      if (!pinned && !touch && keyOf(event.target) && !keyOf(event.relatedTarget || svg)) {
        clear();
      }
    });
    svg.addEventListener("focusin", function (event) {
      var key = keyOf(event.target);
      if (key && !pinned && !touch) {
        light(key);
      }
    });
    // On a touch screen the first tap on a node lights its neighbourhood; the second follows it.
    svg.addEventListener(
      "pointerdown",
      function (event) {
        touch = event.pointerType === "touch";
      },
      true
    );
    svg.addEventListener("click", function (event) {
      var key = keyOf(event.target);
      if (touch && key && key !== lit) {
        event.preventDefault();
        light(key);
      }
    });
    var tools = document.createElement("form");
    tools.className = "evmap-net-tools";
    tools.setAttribute("aria-label", "Focus the network on one node");
    var label = document.createElement("label");
    label.appendChild(document.createTextNode("Focus on a compound, pathway or claim"));
    var choice = document.createElement("select");
    var none = document.createElement("option");
    none.value = "";
    none.textContent = "everything";
    choice.appendChild(none);
    var groups = { c: "Compounds", p: "Pathways", k: "Claims" };
    ["c", "p", "k"].forEach(function (kind) {
      var group = document.createElement("optgroup");
      group.label = groups[kind];
      Object.keys(nodes)
        .filter(function (key) {
          return key.charAt(0) === kind;
        })
        .map(function (key) {
          var title = nodes[key].el.querySelector("title");
          return [key, title ? title.textContent : key];
        })
        .sort(function (a, b) {
          return a[1].localeCompare(b[1]);
        })
        .forEach(function (pair) {
          var option = document.createElement("option");
          option.value = pair[0];
          option.textContent = pair[1].length > 90 ? pair[1].slice(0, 89) + "\u2026" : pair[1];
          group.appendChild(option);
        });
      if (group.children.length) {
        choice.appendChild(group);
      }
    });
    label.appendChild(choice);
    tools.appendChild(label);
    choice.addEventListener("change", function () {
      pinned = choice.value || null;
      if (!pinned) {
        clear();
        return;
      }
      light(pinned);
      var node = nodes[pinned].el;
      if (node.scrollIntoView) {
        node.scrollIntoView({ block: "center", inline: "center" });
      }
    });
    var box = svg.parentNode;
    box.parentNode.insertBefore(tools, box);
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
  var network = document.querySelector("svg.evmap-network");
  if (network) {
    networkExplorer(network);
  }
})();
