/* The network page's script (evmap). Plain JavaScript, no dependencies; the page is
 * complete without it: the drawing then scrolls in its box at its natural size.
 *
 * Loaded by the network page alone (templates/network.html), after evmap-zoom.js.
 * The drawing is an SVG laid out at build time: each node an
 * a.evmap-net-node with data-node (its key: c:, k: or p: and its id), a <title> holding
 * its full name or statement and data-tip what its tooltip says (evmap-tips.js shows it
 * on hover and keyboard focus); each edge names its two ends in data-ends.
 *
 * Here:
 *   - hovering, focusing or tapping a node lights its edges and neighbours and dims the rest;
 *   - zoom and pan (evmap-zoom.js, loaded before this): buttons (zoom in, zoom out, reset
 *     to natural size, fit), Ctrl + wheel or a pinch, dragging with the mouse, and keys while
 *     the box has focus (+, -, 0, arrows);
 *   - choosing a compound, pathway or claim in the list shows it alone with its
 *     neighbours (its claims and what they join on the other side), laid out again to the
 *     width of the box, so it reads on a phone;
 *   - the projector view: the network alone, full-window, with large black labels
 *     (Escape or the button ends it).
 * Text from the page reaches new elements through textContent and setAttribute only.
 */
(function () {
  "use strict";

  var SVG_NS = "http://www.w3.org/2000/svg";
  var FONT = 13; // px; network.py's FONT_SIZE
  var PROJECTOR_FONT = 20;
  var PROJECTOR_SCALE = 1.5;
  var FLAG = "\u26A0";
  var KINDS = { c: "Compounds", k: "Claims", p: "Pathways" };

  function slice(list) {
    return Array.prototype.slice.call(list);
  }

  function make(name, attributes, parent) {
    var el = document.createElementNS(SVG_NS, name);
    Object.keys(attributes || {}).forEach(function (key) {
      el.setAttribute(key, String(attributes[key]));
    });
    if (parent) {
      parent.appendChild(el);
    }
    return el;
  }

  function html(name, attributes, text) {
    var el = document.createElement(name);
    Object.keys(attributes || {}).forEach(function (key) {
      el.setAttribute(key, attributes[key]);
    });
    if (text) {
      el.textContent = text;
    }
    return el;
  }

  /* -- the graph, read from the drawing ----------------------------------------- */
  function readGraph(svg) {
    var nodes = {};
    var edges = slice(svg.querySelectorAll("[data-ends]"));
    slice(svg.querySelectorAll("a.evmap-net-node")).forEach(function (el) {
      var title = el.querySelector("title");
      var text = el.querySelector("text");
      nodes[el.getAttribute("data-node")] = {
        el: el,
        edges: [],
        near: {},
        name: title ? title.textContent : "",
        flagged: !!text && text.textContent.charAt(0) === FLAG,
        y: text ? parseFloat(text.getAttribute("y")) : 0
      };
    });
    edges.forEach(function (edge) {
      var ends = edge.getAttribute("data-ends").split(" ");
      ends.forEach(function (key) {
        if (nodes[key]) {
          nodes[key].edges.push(edge);
          ends.forEach(function (other) {
            if (other !== key) {
              nodes[key].near[other] = true;
            }
          });
        }
      });
    });
    return { nodes: nodes, edges: edges };
  }

  /* -- lighting a node's neighbourhood in the whole drawing -------------------------- */
  function explorer(svg, graph) {
    var nodes = graph.nodes;
    var state = { pinned: null, lit: null, touch: false };
    function clear() {
      state.lit = null;
      svg.classList.remove("evmap-focus");
      slice(svg.querySelectorAll(".evmap-on")).forEach(function (el) {
        el.classList.remove("evmap-on");
      });
    }
    /* Light up a node, its edges and its neighbours; through a claim, two steps. */
    function light(key) {
      clear();
      state.lit = key;
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
      var node = target && target.closest ? target.closest("a.evmap-net-node") : null;
      return node ? node.getAttribute("data-node") : null;
    }
    svg.addEventListener("mouseover", function (event) {
      var key = keyOf(event.target);
      if (key && !state.pinned && !state.touch) {
        light(key);
      }
    });
    svg.addEventListener("mouseout", function (event) {
      if (!state.pinned && !state.touch && keyOf(event.target) && !keyOf(event.relatedTarget || svg)) {
        clear();
      }
    });
    svg.addEventListener("focusin", function (event) {
      var key = keyOf(event.target);
      if (key && !state.pinned && !state.touch) {
        light(key);
      }
    });
    // On a touch screen the first tap on a node lights its neighbourhood; the second follows it.
    svg.addEventListener(
      "pointerdown",
      function (event) {
        state.touch = event.pointerType === "touch";
      },
      true
    );
    svg.addEventListener("click", function (event) {
      var key = keyOf(event.target);
      if (state.touch && key && key !== state.lit) {
        event.preventDefault();
        light(key);
      }
    });
    return {
      pin: function (key) {
        state.pinned = key;
        if (key) {
          light(key);
        } else {
          clear();
        }
      }
    };
  }

  /* -- one node and its neighbours, laid out to a width ------------------------------ */

  /* The keys shown with `key`: its neighbours and, through its claims, the other side. */
  function neighbourhood(graph, key) {
    var nodes = graph.nodes;
    var kind = key.charAt(0);
    var keep = {};
    keep[key] = true;
    Object.keys(nodes[key].near).forEach(function (near) {
      keep[near] = true;
      if (kind !== "k" && near.charAt(0) === "k" && nodes[near]) {
        Object.keys(nodes[near].near).forEach(function (far) {
          if (far.charAt(0) !== kind) {
            keep[far] = true;
          }
        });
      }
    });
    return Object.keys(keep).filter(function (k) {
      return nodes[k];
    });
  }

  function measurer(font, family, weight) {
    var context = document.createElement("canvas").getContext("2d");
    if (context) {
      context.font = weight + " " + font + "px " + family;
    }
    return function (text) {
      return context ? context.measureText(text).width : text.length * font * 0.6;
    };
  }

  /* Greedy word wrap; a word wider than the line is cut. */
  function wrap(text, width, measure) {
    var lines = [];
    var line = "";
    text.split(/\s+/).forEach(function (word) {
      if (!word) {
        return;
      }
      var candidate = line ? line + " " + word : word;
      if (measure(candidate) <= width || !line) {
        line = candidate;
      } else {
        lines.push(line);
        line = word;
      }
      while (measure(line) > width && line.length > 1) {
        var cut = line.length - 1;
        while (cut > 1 && measure(line.slice(0, cut)) > width) {
          cut -= 1;
        }
        lines.push(line.slice(0, cut));
        line = line.slice(cut);
      }
    });
    if (line) {
      lines.push(line);
    }
    return lines.length ? lines : [""];
  }

  function curve(x1, y1, x2, y2) {
    var mid = (x1 + x2) / 2;
    return "M" + [x1, y1].join(",") + " C" + [mid, y1].join(",") + " " + [mid, y2].join(",") + " " + [x2, y2].join(",");
  }

  function textLines(parent, lines, x, y, lineHeight, anchor) {
    var text = make("text", { x: x, y: y, "text-anchor": anchor }, parent);
    lines.forEach(function (line, i) {
      var span = make("tspan", { x: x, dy: i ? lineHeight : 0 }, text);
      span.textContent = line;
    });
    return text;
  }

  /* An SVG of `key` and its neighbours, compounds | claims | pathways, `width` wide. */
  function focusDrawing(graph, key, width, font, family, weight) {
    var nodes = graph.nodes;
    var kind = key.charAt(0);
    var keys = neighbourhood(graph, key);
    var columns = { c: [], k: [], p: [] };
    keys.forEach(function (k) {
      columns[k.charAt(0)].push(k);
    });
    var order = ["c", "k", "p"].filter(function (c) {
      return columns[c].length;
    });
    order.forEach(function (c) {
      columns[c].sort(function (a, b) {
        return nodes[a].y - nodes[b].y || (a < b ? -1 : 1);
      });
    });
    var measure = measurer(font, family, weight);
    var lineHeight = Math.round(font * 1.25);
    var pad = Math.round(font * 0.6);
    var gap = Math.round(font * 1.6);
    // The chosen compound or pathway is a marker in a narrow column; its name heads the drawing.
    var alone = kind !== "k";
    var weights = { c: 2, k: 3, p: 2 };
    var fixed = 0;
    var share = 0;
    order.forEach(function (c) {
      if (alone && c === kind) {
        fixed += font;
      } else {
        share += weights[c];
      }
    });
    var free = Math.max(width - 2 * pad - gap * (order.length - 1) - fixed, font * 8);
    var left = pad;
    var box = {};
    order.forEach(function (c) {
      var w = alone && c === kind ? font : (free * weights[c]) / share;
      box[c] = { x: left, w: w };
      left += w + gap;
    });
    var svg = make("svg", {
      class: "evmap-network evmap-net-focus",
      role: "group",
      "aria-label": nodes[key].name + " and its neighbours"
    });
    svg.style.fontSize = font + "px";
    var top = pad;
    if (alone) {
      var link = make("a", { href: nodes[key].el.getAttribute("href"), class: "evmap-net-focus-title" }, svg);
      var heading = wrap(nodes[key].name, width - 2 * pad, measurer(font, family, 700));
      textLines(link, heading, pad, top + font, lineHeight, "start");
      top += heading.length * lineHeight + pad;
    }
    var headings = make("g", { class: "evmap-net-columns" }, svg);
    order.forEach(function (c) {
      if (!(alone && c === kind)) {
        var anchor = c === "c" ? "end" : "start";
        var hx = c === "c" ? box[c].x + box[c].w : box[c].x;
        make("text", { x: hx, y: top + font, "text-anchor": anchor }, headings).textContent = KINDS[c];
      }
    });
    top += lineHeight + pad;
    // Wrap every label to its column; stack each column, centred on the tallest.
    var placed = {};
    var heights = {};
    order.forEach(function (c) {
      var total = 0;
      columns[c].forEach(function (k) {
        var lines = [];
        var h = font;
        if (!(alone && c === kind)) {
          var name = (c === "k" && nodes[k].flagged ? FLAG + " " : "") + nodes[k].name;
          var textWidth = c === "k" ? box[c].w - font : box[c].w - font * 1.2;
          lines = wrap(name, textWidth, measure);
          h = lines.length * lineHeight + (c === "k" ? font * 0.5 : 0);
        }
        placed[k] = { lines: lines, h: h };
        total += h + (total ? pad : 0);
      });
      heights[c] = total;
    });
    var tallest = Math.max.apply(
      null,
      order.map(function (c) {
        return heights[c];
      })
    );
    order.forEach(function (c) {
      var y = top + (tallest - heights[c]) / 2;
      columns[c].forEach(function (k) {
        var p = placed[k];
        p.cy = y + p.h / 2;
        p.top = y;
        y += p.h + pad;
      });
    });
    var edgeGroup = make("g", { class: "evmap-net-edges" }, svg);
    var nodeGroup = make("g", { class: "evmap-net-nodes" }, svg);
    function ends(k) {
      var c = k.charAt(0);
      var b = box[c];
      if (c === "k") {
        return { inX: b.x, outX: b.x + b.w };
      }
      var x = alone && c === kind ? b.x + b.w / 2 : c === "c" ? b.x + b.w - 5 : b.x + 5;
      return { inX: x - 5, outX: x + 5, x: x };
    }
    var drawn = {};
    keys.forEach(function (k) {
      nodes[k].edges.forEach(function (edge) {
        var pair = edge.getAttribute("data-ends").split(" ");
        var id = pair.join(" ");
        if (drawn[id] || !placed[pair[0]] || !placed[pair[1]]) {
          return;
        }
        drawn[id] = true;
        var path = edge.tagName.toLowerCase() === "path" ? edge : edge.querySelector("path");
        var parent = edgeGroup;
        if (edge.getAttribute("href")) {
          parent = make("a", { href: edge.getAttribute("href") }, edgeGroup);
        }
        var a = placed[pair[0]];
        var b = placed[pair[1]];
        var line = make(
          "path",
          {
            class: path.getAttribute("class") || "",
            "stroke-width": path.getAttribute("stroke-width") || "1.5",
            d: curve(ends(pair[0]).outX, a.cy, ends(pair[1]).inX, b.cy)
          },
          parent
        );
        var title = path.querySelector("title");
        if (title) {
          make("title", {}, line).textContent = title.textContent;
        }
      });
    });
    keys.forEach(function (k) {
      var c = k.charAt(0);
      var original = nodes[k].el;
      var p = placed[k];
      var a = make(
        "a",
        { href: original.getAttribute("href"), class: original.getAttribute("class"), "data-tip": original.getAttribute("data-tip") || "" },
        nodeGroup
      );
      make("title", {}, a).textContent = nodes[k].name;
      var b = box[c];
      var firstLine = p.top + font * (c === "k" ? 1.1 : 0.9);
      if (c === "k") {
        make("rect", { x: b.x, y: p.top, width: b.w, height: p.h, rx: 3 }, a);
        textLines(a, p.lines, b.x + font * 0.5, firstLine, lineHeight, "start");
      } else {
        var x = ends(k).x;
        if (c === "c") {
          make("circle", { cx: x, cy: p.cy, r: 5 }, a);
        } else {
          make("rect", { x: x - 5, y: p.cy - 5, width: 10, height: 10 }, a);
        }
        if (p.lines.length) {
          textLines(a, p.lines, c === "c" ? x - font * 0.7 : x + font * 0.7, firstLine, lineHeight, c === "c" ? "end" : "start");
        }
      }
    });
    var height = Math.ceil(top + tallest + pad);
    svg.setAttribute("viewBox", "0 0 " + width + " " + height);
    svg.setAttribute("width", String(width));
    svg.setAttribute("height", String(height));
    return { svg: svg, count: keys.length - 1 };
  }

  /* -- the page: toolbar, focus view, projector ---------------------------------------- */
  function button(text, label) {
    var b = html("button", { type: "button" }, text);
    if (label) {
      b.setAttribute("aria-label", label);
    }
    return b;
  }

  function networkPage(view, box, svg) {
    var graph = readGraph(svg);
    var lights = explorer(svg, graph);
    var focus = null; // {key, svg} while one node is shown with its neighbours
    var projecting = false;
    var tools = html("form", { class: "evmap-net-tools", "aria-label": "Network view" });
    tools.addEventListener("submit", function (event) {
      event.preventDefault();
    });
    var label = html("label", {}, "Show one with its neighbours");
    var choice = html("select", { name: "focus" });
    choice.appendChild(html("option", { value: "" }, "the whole network"));
    ["c", "p", "k"].forEach(function (kind) {
      var group = html("optgroup", { label: KINDS[kind] });
      Object.keys(graph.nodes)
        .filter(function (key) {
          return key.charAt(0) === kind;
        })
        .sort(function (a, b) {
          return graph.nodes[a].name.localeCompare(graph.nodes[b].name);
        })
        .forEach(function (key) {
          var name = graph.nodes[key].name;
          group.appendChild(html("option", { value: key }, name.length > 90 ? name.slice(0, 89) + "\u2026" : name));
        });
      if (group.children.length) {
        choice.appendChild(group);
      }
    });
    label.appendChild(choice);
    tools.appendChild(label);
    var zoomGroup = html("div", { role: "group", "aria-label": "Zoom" });
    var zoomOut = button("\u2212", "Zoom out");
    var zoomIn = button("+", "Zoom in");
    var reset = button("Reset", "Reset to natural size");
    var fit = button("Fit", "Fit the drawing to the box");
    var output = html("output", { "aria-live": "polite", "aria-label": "Zoom level" }, "100%");
    [zoomOut, zoomIn, reset, fit, output].forEach(function (el) {
      zoomGroup.appendChild(el);
    });
    tools.appendChild(zoomGroup);
    var projector = button("Projector view");
    projector.setAttribute("aria-pressed", "false");
    tools.appendChild(projector);
    var note = html("p", { class: "evmap-net-note", "aria-live": "polite" });
    note.hidden = true;
    var help = html(
      "p",
      { class: "evmap-net-help", id: "evmap-net-help" },
      "In the drawing: + and \u2212 zoom, 0 returns to natural size, the arrow keys move; " +
        "Ctrl + wheel or two fingers zoom; drag to move."
    );
    box.setAttribute("aria-describedby", "evmap-net-help");
    view.insertBefore(tools, box);
    view.insertBefore(note, box);
    view.insertBefore(help, box);

    function shown() {
      return focus ? focus.svg : svg;
    }
    var zoom = window.evmapZoom(box, shown, output);
    function family() {
      return window.getComputedStyle(svg).fontFamily || "sans-serif";
    }
    function drawFocus() {
      if (focus) {
        box.removeChild(focus.svg);
      }
      var key = choice.value;
      if (!key) {
        focus = null;
        svg.style.display = "";
        note.hidden = true;
        return;
      }
      var width = Math.max(box.clientWidth, 280);
      // Projected, as large as the width allows (about 28 letters a line), up to PROJECTOR_FONT.
      var font = projecting ? Math.min(PROJECTOR_FONT, Math.max(FONT, Math.floor(width / 28))) : FONT;
      var weight = projecting ? 600 : 400;
      var drawn = focusDrawing(graph, key, width, font, family(), weight);
      focus = { key: key, svg: drawn.svg };
      svg.style.display = "none";
      box.appendChild(drawn.svg);
      note.hidden = false;
      note.textContent =
        "Showing " +
        (key.charAt(0) === "k" ? "one claim" : graph.nodes[key].name) +
        " with its " +
        drawn.count +
        " neighbours. Choose \u201Cthe whole network\u201D to see everything.";
    }
    function show() {
      lights.pin(choice.value || null);
      drawFocus();
      zoom.set(projecting && !focus ? PROJECTOR_SCALE : 1, 0, 0);
      box.scrollLeft = 0;
      box.scrollTop = 0;
    }
    choice.addEventListener("change", show);
    zoomIn.addEventListener("click", function () {
      zoom.step(1);
    });
    zoomOut.addEventListener("click", function () {
      zoom.step(-1);
    });
    reset.addEventListener("click", function () {
      zoom.set(1);
    });
    fit.addEventListener("click", zoom.fit);
    function project(on) {
      projecting = on;
      view.classList.toggle("evmap-projector", on);
      document.documentElement.classList.toggle("evmap-projecting", on);
      projector.setAttribute("aria-pressed", on ? "true" : "false");
      show();
      box.focus();
    }
    projector.addEventListener("click", function () {
      project(!projecting);
    });
    document.addEventListener("keydown", function (event) {
      if (projecting && event.key === "Escape") {
        project(false);
      }
    });
    // The focus view is laid out to the box's width: again when the width changes.
    var lastWidth = box.clientWidth;
    window.addEventListener("resize", function () {
      if (focus && box.clientWidth !== lastWidth) {
        lastWidth = box.clientWidth;
        show();
      }
    });
  }

  var view = document.querySelector(".evmap-network-view");
  var box = view ? view.querySelector(".evmap-network-scroll") : null;
  var svg = box ? box.querySelector("svg.evmap-network") : null;
  if (svg) {
    networkPage(view, box, svg);
  }
})();
