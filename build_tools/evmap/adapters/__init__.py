"""Thin layers over the core: the MkDocs/ProperDocs plugin, builds, bundles, the command line.

Importing any of them first settles which builder ``mkdocs.*`` means
(:mod:`evmap.adapters.builder`).
"""

from evmap.adapters import builder as builder
