"""evmap: an evidence-map site generator.

YAML evidence entries and a BibTeX library are loaded, validated and turned into
a model (:mod:`evmap.model`), rendered through Jinja (:mod:`evmap.render`) and
built by MkDocs through a thin plugin (:mod:`evmap.plugin`) or the ``evmap``
command line (:mod:`evmap.cli`).
"""

__version__ = "0.1.0"
