"""A git history for a benchmark corpus: one commit adding it all, then curators' edits.

``write_history(dest, commits, seed)`` makes ``dest`` (a corpus written by
:func:`bench.corpus.write_corpus`) a git repository of its own: a first commit holding
the whole corpus, then ``commits`` commits by two curators taking turns, a day apart,
each editing one to three claims in one or two claims files (a statement reworded, a
stance flipped, a finding reworded, an evidence item added). The claims then have the
history a build reads for their provenance; the working tree is the last commit.

The history is a pure function of the corpus and ``seed``: identities and dates come
from the environment of each ``git commit``, so the same arguments give the same
commit ids.
"""

from __future__ import annotations

import copy
import os
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

import yaml

from bench.corpus import _dump_yaml

__all__ = ["AUTHORS", "T0", "write_history"]

AUTHORS = (("Ana Curator", "ana@lab.example"), ("Ben Reviewer", "ben@lab.example"))
T0 = 1704110400  # 2024-01-01 12:00 UTC, the first commit
DAY = 86400
_FLIP = {"supports": "contradicts", "contradicts": "supports", "mixed": "supports"}


def _git(dest: Path, *args: str, author: tuple[str, str] = AUTHORS[0], when: int = T0) -> None:
    env = {
        **os.environ,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_AUTHOR_NAME": author[0],
        "GIT_AUTHOR_EMAIL": author[1],
        "GIT_COMMITTER_NAME": author[0],
        "GIT_COMMITTER_EMAIL": author[1],
        "GIT_AUTHOR_DATE": f"@{when} +0000",
        "GIT_COMMITTER_DATE": f"@{when} +0000",
    }
    subprocess.run(["git", *args], cwd=dest, env=env, check=True, capture_output=True)


def _edit(rng: random.Random, claim: dict[str, Any], n: int) -> str:
    """One curator's edit of ``claim``; what it was, for the commit message."""
    kind = rng.choice(("statement", "stance", "finding", "evidence"))
    items = claim["evidence"]
    if kind == "statement":
        claim["statement"] = claim["statement"].rstrip(".") + f", in the models tested ({n})."
    elif kind == "stance":
        item = rng.choice(items)
        item["stance"] = _FLIP[item["stance"]]
    elif kind == "finding":
        item = rng.choice(items)
        item["finding"] = item["finding"].rstrip(".") + f"; replicated in a second cohort ({n})."
    else:
        item = copy.deepcopy(rng.choice(items))  # shared objects would dump as YAML aliases
        item["finding"] = f"A second laboratory found the same ({n})."
        items.append(item)
    return f"{claim['id']}: {kind}"


def write_history(dest: Path, commits: int = 200, seed: int = 0) -> int:
    """Make ``dest`` a git repository with ``commits`` edits after the first commit.

    An existing ``.git`` in ``dest`` is replaced. Returns the number of commits made.
    """
    dest = Path(dest)
    shutil.rmtree(dest / ".git", ignore_errors=True)
    _git(dest, "init", "-q", "-b", "main")
    _git(dest, "add", "-A")
    _git(dest, "commit", "-q", "-m", "The whole map")
    files = sorted((dest / "content" / "claims").glob("*.yml"))
    rng = random.Random(seed)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for n in range(1, commits + 1):
        done = []
        for path in rng.sample(files, min(len(files), rng.randint(1, 2))):
            claims = yaml.load(path.read_text("utf-8"), Loader=loader)
            for claim in rng.sample(claims, min(len(claims), rng.randint(1, 3))):
                done.append(_edit(rng, claim, n))
            path.write_text(_dump_yaml(claims), "utf-8")
        _git(dest, "add", "-A")
        author = AUTHORS[n % 2]
        _git(dest, "commit", "-q", "-m", "; ".join(done), author=author, when=T0 + n * DAY)
    return commits + 1
