"""Benchmark harness for evmap: synthetic corpora, a plain-MkDocs peer and a bare-Jinja floor."""
