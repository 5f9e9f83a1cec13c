/* Tooltips and citation previews of the evidence map (evmap). Plain JavaScript, ours.
 *
 * Text written by curators (names, statements, paradigms, BibTeX fields) reaches a
 * tooltip only through textContent, never as markup: a title such as
 * "<img src=x onerror=...>" shows as those characters. That is why evmap gives no
 * element of a generated page a `title` attribute: Material's content.tooltips
 * feature inserts titles as HTML.
 *
 * Two kinds of target:
 *   - a citation: a link to a reference page in the Sources cell of an evidence table
 *     (td.r a without a fragment: a note badge, which leads to the notes of the reference
 *     page, and the "second-hand" link, which leads to the glossary, are plain links), or
 *     a citation elsewhere (a.evmap-cite: [@key] citations of hand-written pages, the
 *     summaries' most relied-on references, the home page's strongest evidence); its
 *     text is the formatted reference of the page it links to, written once for
 *     the site in assets/evmap-references.js (window.evmapReferences, by page slug);
 *   - any element with a data-tip attribute (matrix cells and columns): its value.
 * A tooltip shows on hover and on keyboard focus, and closes on Escape, when the
 * pointer or focus leaves, or on a tap elsewhere. On a touch screen the first tap
 * on a citation shows its preview, with a link to the reference page; a second tap
 * follows the citation. Without this script a citation is a plain link.
 */
(function () {
  "use strict";

  var CITATION = "td.r a[href]:not([href*='#']), a.evmap-cite[href]";
  var TARGET = CITATION + ", [data-tip]";
  var tip = null;
  var owner = null;
  var hideTimer = 0;
  var lastPointer = "mouse";
  var pressing = false; // between a pointer's press and its click: focus then is not keyboard focus
  var tapped = null; // the citation whose preview a tap opened: a second tap follows it

  function referenceText(link) {
    var references = window.evmapReferences || {};
    var path = link.getAttribute("href").split("#")[0];
    var slug = /([^/]+?)(?:\/|\.html)?$/.exec(path);
    if (slug && Object.prototype.hasOwnProperty.call(references, slug[1])) {
      return String(references[slug[1]]);
    }
    return "";
  }

  function targetOf(node) {
    return node && node.closest ? node.closest(TARGET) : null;
  }

  function isCitation(element) {
    return element.matches(CITATION);
  }

  function ensureTip() {
    if (!tip) {
      tip = document.createElement("div");
      tip.className = "evmap-tip";
      tip.id = "evmap-tip";
      tip.setAttribute("role", "tooltip");
      tip.hidden = true;
      tip.addEventListener("mouseenter", function () {
        window.clearTimeout(hideTimer);
      });
      tip.addEventListener("mouseleave", function () {
        scheduleHide();
      });
      document.body.appendChild(tip);
    }
    return tip;
  }

  function place(element) {
    var box = element.getBoundingClientRect();
    var width = Math.min(tip.offsetWidth, document.documentElement.clientWidth - 16);
    var left = Math.max(8, Math.min(box.left, document.documentElement.clientWidth - width - 8));
    var top = box.bottom + 6;
    if (top + tip.offsetHeight > window.innerHeight && box.top - tip.offsetHeight - 6 > 0) {
      top = box.top - tip.offsetHeight - 6; // no room below: above the target
    }
    tip.style.left = Math.round(left + window.pageXOffset) + "px";
    tip.style.top = Math.round(top + window.pageYOffset) + "px";
  }

  function show(element) {
    var text = isCitation(element) ? referenceText(element) : element.getAttribute("data-tip");
    if (!text) {
      return;
    }
    window.clearTimeout(hideTimer);
    ensureTip();
    if (owner && owner !== element) {
      owner.removeAttribute("aria-describedby");
    }
    tip.textContent = "";
    var body = document.createElement("span");
    body.textContent = text;
    tip.appendChild(body);
    if (isCitation(element)) {
      var more = document.createElement("a");
      more.className = "evmap-tip-link";
      more.href = element.href;
      more.textContent = "Open the reference page";
      tip.appendChild(document.createTextNode(" "));
      tip.appendChild(more);
    }
    owner = element;
    tapped = null;
    element.setAttribute("aria-describedby", tip.id);
    tip.hidden = false;
    place(element);
  }

  function hide() {
    window.clearTimeout(hideTimer);
    if (owner) {
      owner.removeAttribute("aria-describedby");
    }
    owner = null;
    tapped = null;
    if (tip) {
      tip.hidden = true;
    }
  }

  function scheduleHide() {
    window.clearTimeout(hideTimer);
    hideTimer = window.setTimeout(hide, 250);
  }

  document.addEventListener(
    "pointerdown",
    function (event) {
      lastPointer = event.pointerType || "mouse";
      pressing = true;
    },
    true
  );
  document.addEventListener(
    "pointercancel",
    function () {
      pressing = false;
    },
    true
  );

  document.addEventListener("mouseover", function (event) {
    if (lastPointer === "touch") {
      return;
    }
    var element = targetOf(event.target);
    if (element && element !== owner) {
      show(element);
    } else if (element) {
      window.clearTimeout(hideTimer);
    }
  });

  document.addEventListener("mouseout", function (event) {
    var element = targetOf(event.target);
    if (element && element === owner && !element.contains(event.relatedTarget)) {
      scheduleHide();
    }
  });

  document.addEventListener("focusin", function (event) {
    var element = targetOf(event.target);
    if (pressing) {
      return; // a tap or click focused it: the click decides
    }
    if (element) {
      show(element);
    } else if (!(tip && tip.contains(event.target))) {
      hide();
    }
  });

  document.addEventListener("focusout", function (event) {
    if (owner && event.target === owner && !(tip && tip.contains(event.relatedTarget))) {
      scheduleHide();
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && owner) {
      hide();
    }
  });

  document.addEventListener("click", function (event) {
    pressing = false;
    if (tip && tip.contains(event.target)) {
      return;
    }
    var element = targetOf(event.target);
    if (element && lastPointer === "touch" && isCitation(element) && element !== tapped) {
      event.preventDefault(); // the first tap previews, the second follows the link
      show(element);
      tapped = element;
      return;
    }
    if (!element) {
      hide();
    }
  });

  /* The theme's own markup, made accessible (axe-core): a code block that scrolls takes
     the keyboard focus, and the search dialog has a name. Material mounts its components
     after this script runs: its document$ stream says when (else, now). */
  function themeFixes() {
    Array.prototype.forEach.call(document.querySelectorAll(".md-typeset pre > code"), function (code) {
      if (!code.hasAttribute("tabindex")) {
        code.setAttribute("tabindex", "0");
      }
    });
    var search = document.querySelector('.md-search[role="dialog"]');
    if (search && !search.hasAttribute("aria-label")) {
      search.setAttribute("aria-label", "Search");
    }
  }
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(themeFixes);
  } else {
    themeFixes();
  }
})();
