"""The static files every evmap site carries, copied from the templates folder.

Builder-neutral: the MkDocs plugin adds them as files of the build, ``evmap
generate`` copies them into the folder it writes; both list the stylesheets and
scripts in the builder's ``extra_css`` and ``extra_javascript``.
"""

from __future__ import annotations

__all__ = ["ASSETS", "SCRIPTS", "STYLESHEETS"]

ASSETS = (
    "assets/evmap.css",
    "assets/evmap-views.js",
    "assets/evmap-tips.js",
    "assets/evmap-zoom.js",
    "assets/evmap-network.js",
)
"""Site-relative paths, the same below the templates folder (the last two: loaded by the
network page alone, templates/network.html)."""
STYLESHEETS = ("assets/evmap.css",)
"""Loaded by every page (``extra_css``)."""
SCRIPTS = ("assets/evmap-views.js", "assets/evmap-tips.js")
"""Loaded by every page (``extra_javascript``)."""
