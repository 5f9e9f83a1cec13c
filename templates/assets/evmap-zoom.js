/* Zoom and pan for a drawing in a scrolling box (evmap). Plain JavaScript, no dependencies.
 *
 * window.evmapZoom(box, current, output) makes the SVG that current() returns zoomable
 * inside box: zooming resizes the SVG (its viewBox stays), so panning is the box's own
 * scrolling, by touch, wheel, scrollbars or keys, and the page without script is the same
 * box at natural size. It adds Ctrl + wheel (a touchpad's pinch arrives so) and a
 * two-finger pinch about their point, dragging with the mouse, and keys while the box or
 * something in it has focus: + and - zoom, 0 returns to natural size, the arrows pan.
 * output shows the scale as a percentage. It returns {set(scale, x, y), fit(), step(n), scale()}.
 * Loaded by the network page before evmap-network.js.
 */
(function () {
  "use strict";

  var MIN_SCALE = 0.1;
  var MAX_SCALE = 4;
  var STEP = 1.25;
  var PAN = 48; // px per arrow key

  function zoomer(box, current, output) {
    var state = { scale: 1 };
    function natural(svg) {
      var view = svg.viewBox.baseVal;
      return { w: view.width, h: view.height };
    }
    /* Scale the shown drawing to `scale`, keeping the point (px, py) of the box in place. */
    function set(scale, px, py) {
      var svg = current();
      var size = natural(svg);
      scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));
      if (px === undefined) {
        px = box.clientWidth / 2;
        py = box.clientHeight / 2;
      }
      var cx = (box.scrollLeft + px) / state.scale;
      var cy = (box.scrollTop + py) / state.scale;
      state.scale = scale;
      svg.style.width = size.w * scale + "px";
      svg.style.height = size.h * scale + "px";
      box.scrollLeft = cx * scale - px;
      box.scrollTop = cy * scale - py;
      output.textContent = Math.round(scale * 100) + "%";
    }
    function fit() {
      var size = natural(current());
      var limit = parseFloat(window.getComputedStyle(box).maxHeight);
      var height = isNaN(limit) ? box.clientHeight : limit;
      set(Math.min(box.clientWidth / size.w, height / size.h), 0, 0);
      box.scrollLeft = 0;
      box.scrollTop = 0;
    }
    function at(event) {
      var rect = box.getBoundingClientRect();
      return [event.clientX - rect.left, event.clientY - rect.top];
    }
    // Ctrl + wheel (a touchpad's pinch arrives so too) zooms about the pointer.
    box.addEventListener(
      "wheel",
      function (event) {
        if (!event.ctrlKey) {
          return;
        }
        event.preventDefault();
        var p = at(event);
        set(state.scale * Math.exp(-event.deltaY * 0.002), p[0], p[1]);
      },
      { passive: false }
    );
    // Dragging with the mouse pans; a drag that moved does not follow the link it began on.
    var drag = null;
    var dragged = false;
    box.addEventListener("pointerdown", function (event) {
      if (event.pointerType !== "mouse" || event.button !== 0) {
        return;
      }
      drag = { x: event.clientX, y: event.clientY, left: box.scrollLeft, top: box.scrollTop };
      dragged = false;
    });
    window.addEventListener("pointermove", function (event) {
      if (!drag) {
        return;
      }
      var dx = event.clientX - drag.x;
      var dy = event.clientY - drag.y;
      if (!dragged && Math.abs(dx) + Math.abs(dy) > 4) {
        dragged = true;
        box.classList.add("evmap-dragging");
      }
      if (dragged) {
        box.scrollLeft = drag.left - dx;
        box.scrollTop = drag.top - dy;
      }
    });
    window.addEventListener("pointerup", function () {
      drag = null;
      box.classList.remove("evmap-dragging");
    });
    box.addEventListener(
      "click",
      function (event) {
        if (dragged) {
          event.preventDefault();
          event.stopPropagation();
          dragged = false;
        }
      },
      true
    );
    box.addEventListener("dragstart", function (event) {
      event.preventDefault();
    });
    // Two fingers pinch; one finger scrolls the box as usual.
    var pinch = null;
    function spread(touches) {
      return Math.hypot(touches[0].clientX - touches[1].clientX, touches[0].clientY - touches[1].clientY);
    }
    box.addEventListener(
      "touchstart",
      function (event) {
        if (event.touches.length === 2) {
          pinch = { distance: spread(event.touches), scale: state.scale };
        }
      },
      { passive: true }
    );
    box.addEventListener(
      "touchmove",
      function (event) {
        if (!pinch || event.touches.length !== 2) {
          return;
        }
        event.preventDefault();
        var rect = box.getBoundingClientRect();
        var mx = (event.touches[0].clientX + event.touches[1].clientX) / 2 - rect.left;
        var my = (event.touches[0].clientY + event.touches[1].clientY) / 2 - rect.top;
        set((pinch.scale * spread(event.touches)) / pinch.distance, mx, my);
      },
      { passive: false }
    );
    box.addEventListener("touchend", function (event) {
      if (event.touches.length < 2) {
        pinch = null;
      }
    });
    // Keys while the box (or a node in it) has focus: + and - zoom, 0 resets, arrows pan.
    box.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey) {
        return;
      }
      var moves = { ArrowLeft: [-PAN, 0], ArrowRight: [PAN, 0], ArrowUp: [0, -PAN], ArrowDown: [0, PAN] };
      if (event.key === "+" || event.key === "=") {
        set(state.scale * STEP);
      } else if (event.key === "-" || event.key === "_") {
        set(state.scale / STEP);
      } else if (event.key === "0") {
        set(1);
      } else if (moves[event.key]) {
        box.scrollLeft += moves[event.key][0];
        box.scrollTop += moves[event.key][1];
      } else {
        return;
      }
      event.preventDefault();
    });
    box.classList.add("evmap-zoomable");
    return {
      set: set,
      fit: fit,
      /* Zoom in (n > 0) or out (n < 0) by n steps about the box's centre. */
      step: function (n) {
        set(state.scale * Math.pow(STEP, n));
      },
      scale: function () {
        return state.scale;
      }
    };
  }

  window.evmapZoom = zoomer;
})();
