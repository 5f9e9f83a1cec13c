"""evmap: an evidence-map site generator.

YAML evidence entries and a BibTeX library are loaded, validated and turned into
a model (:mod:`evmap.core`), analysed (:mod:`evmap.analysis`) and rendered into
pages, downloads and diffs (:mod:`evmap.site`); none of these imports a site
builder. Builders come in through thin adapters (:mod:`evmap.adapters`): the
MkDocs/ProperDocs plugin and the ``evmap`` command line.
"""

__version__ = "0.1.0"
