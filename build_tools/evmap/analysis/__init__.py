"""Analysis of an evidence map: pure functions of the map, one job per module.

- :mod:`~evmap.analysis.certainty`: grades from independent studies;
- :mod:`~evmap.analysis.contradictions`: evidence pointing both ways;
- :mod:`~evmap.analysis.matrix`: items credited to the compound-pathway pairs they tested;
- :mod:`~evmap.analysis.facets`: species, evidence types and paradigms;
- :mod:`~evmap.analysis.summary`: the state of the evidence at a glance;
- :mod:`~evmap.analysis.network`: ordering the layers of the network drawing;
- :mod:`~evmap.analysis.analyse`: all of it for one map (:func:`analyse_map`).
"""

from evmap.analysis.analyse import MapAnalysis, analyse_map

__all__ = ["MapAnalysis", "analyse_map"]
