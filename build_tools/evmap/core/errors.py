"""The one base class of the errors evmap raises on purpose.

Bad content, a bad configuration, a failed build, bundle or diff: each raises a
subclass of :class:`EvmapError` with a message meant for a person (and, for content,
every :class:`~evmap.core.problems.Problem` found). Catching ``EvmapError`` catches
them all; any other exception escaping evmap is a bug.
"""

from __future__ import annotations

__all__ = ["EvmapError"]


class EvmapError(Exception):
    """Base of every error evmap raises on purpose."""
