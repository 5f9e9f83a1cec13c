"""The library of references: reading, inheritance, links and formatting (see evmap.core.bibtex)."""
