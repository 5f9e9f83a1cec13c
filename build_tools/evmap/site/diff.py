"""What changed between two evidence maps, claim by claim and field by field.

:func:`diff_maps` compares two loaded maps (not their text): entries added and
removed, and for claims every field that changed, down to the stance and the
citations of each evidence item. Each :class:`Change` names where it happened
(file and line), the site pages it touches, and renders itself as a terminal
line, a Markdown bullet (for a pull-request comment) or a GitHub annotation.

:func:`diff_projects` loads the two sides first: a folder holding ``mkdocs.yml``,
or a git revision whose tree is exported with ``git archive`` into a temporary
folder (the working tree is never touched).

Evidence items have no ids, so those of one claim are paired before being
compared: identical items first, then items with the same finding, then with
the same citations, then findings that read alike; what is left was added or
removed. Item fields are compared as the model declares them
(:func:`evmap.core.model.yaml_fields`), so a new field is diffed without a
change here.

Besides what curators changed, a diff reports what the change does to the map
(:attr:`MapDiff.derived`), from the same analysis the pages use
(:func:`evmap.analysis.analyse_map`): certainty grades that change, claims and
compound-pathway pairs that become or stop being contested, and matrix cells
whose balance changes. Outputs group a change repeated on many items
("21 evidence items: species changed: none -> unspecified").
"""

from __future__ import annotations

import dataclasses
import difflib
import enum
import itertools
import re
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from evmap.analysis.analyse import MapAnalysis, analyse_map
from evmap.analysis.matrix import NO_COMPOUND, Cell
from evmap.core.config import load_settings
from evmap.core.errors import EvmapError
from evmap.core.gitinfo import GitError, changed_files, export_revision
from evmap.core.model import (
    Assertion,
    Claim,
    Compound,
    Evidence,
    EvidenceMap,
    Pathway,
    Reference,
    Relation,
    yaml_fields,
)
from evmap.core.pipeline import check
from evmap.core.problems import Problem, summary_line
from evmap.core.vocab import GRADE_LABELS, STANCE_GLYPHS
from evmap.site.incremental import claim_pages
from evmap.site.urls import Urls

__all__ = [
    "ADDED",
    "GROUP_MIN",
    "REMOVED",
    "TITLE_CHARS",
    "TWO_SIDED",
    "Change",
    "ChangeKind",
    "DiffInputError",
    "Entity",
    "Entry",
    "Listed",
    "MapDiff",
    "SitePage",
    "diff_maps",
    "diff_projects",
    "group_changes",
    "load_side",
    "pair_evidence",
]


class Entity(enum.StrEnum):
    """The kinds of entry a change is about, in the order changes are listed."""

    CLAIM = "claim"
    COMPOUND = "compound"
    PATHWAY = "pathway"
    REFERENCE = "reference"
    CELL = "cell"


class ChangeKind(enum.StrEnum):
    """Kinds of change; the values read as sentences after the entry they are about."""

    CLAIM_ADDED = "claim added"
    CLAIM_REMOVED = "claim removed"
    STATEMENT_CHANGED = "statement changed"
    HOME_PATHWAY_CHANGED = "home pathway changed"
    PATHWAY_LINKED = "pathway linked"
    PATHWAY_UNLINKED = "pathway unlinked"
    COMPOUND_LINKED = "compound linked"
    COMPOUND_UNLINKED = "compound unlinked"
    CERTAINTY_CHANGED = "certainty changed"
    EVIDENCE_ADDED = "evidence item added"
    EVIDENCE_REMOVED = "evidence item removed"
    STANCE_FLIPPED = "stance flipped"
    FINDING_CHANGED = "finding changed"
    MODEL_CHANGED = "model changed"
    STUDY_TYPE_CHANGED = "study type changed"
    LOCATOR_CHANGED = "locator changed"
    CITATION_ADDED = "citation added"
    CITATION_REMOVED = "citation removed"
    COMPOUND_ADDED = "compound added"
    COMPOUND_REMOVED = "compound removed"
    PATHWAY_ADDED = "pathway added"
    PATHWAY_REMOVED = "pathway removed"
    REFERENCE_ADDED = "reference added"
    REFERENCE_REMOVED = "reference removed"
    FIELD_CHANGED = "changed"
    # Derived: what a change does to the map.
    GRADE_CHANGED = "certainty grade changed"
    NOW_CONTESTED = "now contested"
    NO_LONGER_CONTESTED = "no longer contested"
    BALANCE_CHANGED = "balance changed"


# Kinds whose record carries an old and a new value, shown as ``old -> new``.
TWO_SIDED = frozenset(
    {
        ChangeKind.STATEMENT_CHANGED,
        ChangeKind.HOME_PATHWAY_CHANGED,
        ChangeKind.CERTAINTY_CHANGED,
        ChangeKind.STANCE_FLIPPED,
        ChangeKind.FINDING_CHANGED,
        ChangeKind.MODEL_CHANGED,
        ChangeKind.STUDY_TYPE_CHANGED,
        ChangeKind.LOCATOR_CHANGED,
        ChangeKind.FIELD_CHANGED,
        ChangeKind.GRADE_CHANGED,
        ChangeKind.BALANCE_CHANGED,
    }
)
ADDED = frozenset(
    {
        ChangeKind.CLAIM_ADDED,
        ChangeKind.COMPOUND_ADDED,
        ChangeKind.PATHWAY_ADDED,
        ChangeKind.REFERENCE_ADDED,
    }
)
REMOVED = frozenset(
    {
        ChangeKind.CLAIM_REMOVED,
        ChangeKind.COMPOUND_REMOVED,
        ChangeKind.PATHWAY_REMOVED,
        ChangeKind.REFERENCE_REMOVED,
    }
)
_KIND_ORDER = {kind: i for i, kind in enumerate(ChangeKind)}
_ENTITY_ORDER = {entity: i for i, entity in enumerate(Entity)}


class DiffInputError(EvmapError):
    """A side of the diff could not be read, or its content has errors.

    Attributes:
        problems: The content problems (with path and line), when that is why.
    """

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)

    def report(self) -> str:
        """The message, then every problem as ``path:line: message``, then a count."""
        if not self.problems:
            return f"evmap: {self}"
        errors = len(self.problems)
        lines = [f"evmap: {self}", *(p.format() for p in self.problems)]
        return "\n".join([*lines, summary_line(errors, 0)])


@dataclass(frozen=True, slots=True)
class SitePage:
    """A page of the site: its title and its URL relative to the site root."""

    title: str
    url: str

    def href(self, base_url: str) -> str:
        """The page's address under ``base_url``."""
        return f"{base_url.rstrip('/')}/{self.url}"


@dataclass(frozen=True, slots=True)
class Change:
    """One difference between the two maps.

    Attributes:
        kind: What changed.
        entity: The kind of entry it changed in.
        id: The entry's id (a BibTeX key for references).
        path: The file it is in (the base file for removals), project-relative.
        line: The line in that file.
        where: The part of the entry, e.g. ``evidence item 2`` or ``field 'name'``.
        old: The value before (for kinds in :data:`TWO_SIDED` and removals).
        new: The value after.
        page: The page showing the entry in the new map (anchored to a claim), if any.
        pages: Every page of the new site whose content the change alters.
        title: How readers know the entry: a claim's statement, a cell's names.
        field: The field changed, for grouping a change repeated on many items.
        reason: Why a derived value is what it is (the certainty rule's steps).
    """

    kind: ChangeKind
    entity: Entity
    id: str
    path: str
    line: int
    where: str = ""
    old: str = ""
    new: str = ""
    page: SitePage | None = None
    pages: tuple[SitePage, ...] = ()
    title: str = ""
    field: str = ""
    reason: str = ""

    def sort_key(self) -> tuple[int, str, str, int, str, str]:
        """Entries in entity order then by id; changes in kind order within a part."""
        return (
            _ENTITY_ORDER[self.entity],
            self.id,
            self.where,
            _KIND_ORDER[self.kind],
            self.old,
            self.new,
        )

    def describe(self) -> str:
        """One sentence-like line, e.g. ``claim 'x': evidence item 2: stance flipped: a -> b``."""
        parts = [f"{self.entity} '{self.id}'", *([self.where] if self.where else []), self.kind]
        because = f" ({self.reason})" if self.reason else ""
        return ": ".join(parts) + self._values(_plain) + because

    def group_key(self) -> tuple[str, ...]:
        """Changes equal in this key are one change repeated (see :meth:`MapDiff.groups`)."""
        return (self.entity, self.kind, self.field, self.old, self.new)

    def _values(self, show: Callable[[str], str], arrow: str = "->") -> str:
        if self.kind in TWO_SIDED:
            return f": {show(self.old)} {arrow} {show(self.new)}"
        value = self.new or self.old
        return f": {show(value)}" if value else ""

    def text(self) -> str:
        """The change as a terminal line: ``path:line: description`` (no path: derived)."""
        where = f"{self.path}:{self.line}: " if self.path else "derived: "
        return where + self.describe()

    def heading(self, base_url: str = "") -> str:
        """The entry in Markdown: named by its title (a claim's statement) when it has one,
        linked to its page under ``base_url`` when given, with its id."""
        if self.title:
            name = _markdown(_short(self.title)).strip('"')
            if base_url and self.page is not None:
                name = f"[{name}]({self.page.href(base_url)})"
            return f"{self.entity} {name} (`{self.id}`)"
        name = f"`{self.id}`"
        if base_url and self.page is not None:
            name = f"[{name}]({self.page.href(base_url)})"
        return f"{self.entity} {name}"

    def markdown(self, base_url: str = "", nested: bool = False) -> str:
        """The change as a Markdown bullet; ``nested``: under a bullet naming the entry."""
        parts = [*([self.where] if self.where else []), self.kind]
        text = ": ".join(parts) + self._values(_markdown, "→")
        if self.reason:
            text += f" ({_markdown(self.reason).strip(chr(34))})"
        return f"  - {text}" if nested else f"- {self.heading(base_url)}: {text}"

    def github(self) -> str:
        """The change as a GitHub workflow annotation on its file and line."""
        message = self.describe().replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        if not self.path:
            return f"::notice::{message}"
        path = self.path.replace("%", "%25").replace(",", "%2C").replace(":", "%3A")
        return f"::notice file={path},line={max(self.line, 1)}::{message}"


TITLE_CHARS = 90
"""A claim's statement is cut at this many characters where it names the claim."""
GROUP_MIN = 3
"""A change repeated on at least this many items is listed once, with its count."""


def _short(text: str) -> str:
    return text if len(text) <= TITLE_CHARS else text[: TITLE_CHARS - 1].rstrip() + "\u2026"


def _plain(value: str) -> str:
    if not value:
        return "(none)"
    return f'"{value}"' if " " in value else value


_MENTION = re.compile(r"@(?=[A-Za-z0-9_-])")


def _markdown(value: str) -> str:
    """Text from the content as Markdown: its markup characters escaped, and an ``@`` that
    would mention a GitHub user or team (and notify them) broken by a zero-width space."""
    if not value:
        return "*(none)*"
    escaped = "".join("\\" + c if c in "\\`*_[]<>|#~" else c for c in value)
    escaped = _MENTION.sub("@&#8203;", escaped)
    return f'"{escaped}"' if " " in value else escaped


CODE_FILES = re.compile(
    r"(?:^|/)(?:[^/]*\.py|mkdocs[^/]*\.ya?ml|Makefile|pyproject\.toml|requirements[^/]*"
    r"|package(?:-lock)?\.json|\.pre-commit-config\.yaml)$"
    r"|^(?:\.github|\.ci|build_tools|templates|hooks|overrides)/"
)
"""Files that run as code when the site is built, served or checked: the builder's
configuration and hooks, templates, workflows, the build code and its dependencies. A
change to them is flagged for review as code."""


Listed = Change | tuple[Change, ...]
"""A change as outputs list it: alone, or a change repeated on many items (a group)."""


def group_changes(changes: Sequence[Change]) -> list[Listed]:
    """``changes`` in order, those repeated :data:`GROUP_MIN` times or more as one group.

    Repeated means equal in :meth:`Change.group_key` (entity, kind, field, old and
    new value): "species none -> unspecified" on 21 items is one line, not 21.
    """
    keyed: dict[tuple[str, ...], list[Change]] = {}
    for change in changes:
        if change.field:
            keyed.setdefault(change.group_key(), []).append(change)
    listed: list[Listed] = []
    done: set[tuple[str, ...]] = set()
    for change in changes:
        same = keyed.get(change.group_key(), []) if change.field else []
        if len(same) < GROUP_MIN:
            listed.append(change)
        elif change.group_key() not in done:
            done.add(change.group_key())
            listed.append(tuple(same))
    return listed


def _group_line(group: tuple[Change, ...], show: Callable[[str], str], arrow: str) -> str:
    """``21 evidence items: species changed: none -> unspecified (claims: a, b, c, ...)``."""
    first = group[0]
    items = "evidence items" if first.where.startswith("evidence item") else f"{first.entity}s"
    ids = list(dict.fromkeys(change.id for change in group))
    named = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
    values = first._values(show, arrow)
    return f"{len(group)} {items}: {first.kind}{values} ({first.entity}s: {named})"


@dataclass(frozen=True)
class MapDiff:
    """Every change between two maps, sorted, with summaries in each output format.

    Attributes:
        changes: What the curators changed, entry by entry and field by field.
        derived: What that does to the map: grades, contested claims and pairs,
            matrix cells (from :func:`evmap.analysis.analyse_map` of both sides).
        code: Files changed between two git revisions that run as code when the site
            is built (:data:`CODE_FILES`); a reviewer must read them as code.
    """

    changes: tuple[Change, ...]
    derived: tuple[Change, ...] = ()
    code: tuple[str, ...] = ()

    def counts(self) -> dict[Entity, dict[str, int]]:
        """Per entity: how many entries were added, removed and changed."""
        result: dict[Entity, dict[str, int]] = {}
        state: dict[tuple[Entity, str], str] = {}
        for change in self.changes:
            verb = "added" if change.kind in ADDED else "removed" if change.kind in REMOVED else ""
            key = (change.entity, change.id)
            if verb or key not in state:
                state[key] = verb or "changed"
        for (entity, _), verb in state.items():
            counts = result.setdefault(entity, {"added": 0, "removed": 0, "changed": 0})
            counts[verb] += 1
        return result

    def summary(self) -> str:
        """E.g. ``2 claims changed, 1 claim added, 1 compound removed``."""
        phrases = []
        for entity, counts in sorted(self.counts().items(), key=lambda kv: _ENTITY_ORDER[kv[0]]):
            for verb in ("added", "removed", "changed"):
                n = counts[verb]
                if n:
                    phrases.append(f"{n} {entity}{'' if n == 1 else 's'} {verb}")
        return ", ".join(phrases)

    def pages(self) -> list[SitePage]:
        """Every page the changes touch, once each, sorted by URL."""
        seen = {page.url: page for change in self.changes for page in change.pages}
        return [seen[url] for url in sorted(seen)]

    def code_warning(self) -> str:
        """One sentence naming the changed code files, or "" when there are none."""
        if not self.code:
            return ""
        named = ", ".join(self.code[:10]) + (
            f" and {len(self.code) - 10} more" if len(self.code) > 10 else ""
        )
        return (
            f"This change edits files that run as code when the site is built ({named}): "
            "templates, mkdocs.yml, hooks, workflows and build code can run any command on "
            "whoever builds or serves the site; review them as code."
        )

    def text(self, base_url: str = "") -> str:
        """Terminal output: a line per change (repeats grouped), their effects, pages, summary."""
        warning = [f"evmap diff: warning: {self.code_warning()}"] if self.code else []
        if not self.changes:
            return "\n".join([*warning, "evmap diff: no changes to the evidence map"])
        lines = [*warning]
        for listed in group_changes(self.changes):
            if isinstance(listed, Change):
                lines.append(listed.text())
            else:
                lines.append(_group_line(listed, _plain, "->"))
        if self.derived:
            lines.append("what this does to the map:")
            lines += [f"  {change.text().removeprefix('derived: ')}" for change in self.derived]
        lines.append("pages touched:")
        lines += [f"  {page.href(base_url) if base_url else page.url}" for page in self.pages()]
        n = len(self.changes)
        lines.append(f"evmap diff: {n} change{'' if n == 1 else 's'}: {self.summary()}")
        return "\n".join(lines)

    def markdown(self, base_url: str = "", limit: int = 200) -> str:
        """A pull-request comment: summary, changes by entity, what they do, pages (linked).

        At most ``limit`` changes and pages are listed, so the comment stays
        under GitHub's size limit; the rest are counted.
        """
        warning = (
            ["", f"> [!WARNING]\n> {_MENTION.sub('@&#8203;', self.code_warning())}"]
            if self.code
            else []
        )
        if not self.changes:
            return "\n".join(
                [
                    "### Evidence map",
                    *warning,
                    "",
                    "No changes to claims, compounds, pathways or references.",
                ]
            )
        n = len(self.changes)
        lines = [
            "### Evidence map",
            *warning,
            "",
            f"{n} change{'' if n == 1 else 's'}: {self.summary()}.",
        ]
        listed = group_changes(self.changes)
        shown = listed[:limit]
        for entity in Entity:
            group = [c for c in shown if (c if isinstance(c, Change) else c[0]).entity is entity]
            if group:
                lines += ["", f"**{entity.capitalize()}s**", ""]
            singles = [c for c in group if isinstance(c, Change)]
            for _, same_entry in itertools.groupby(singles, key=lambda c: c.id):
                entry = list(same_entry)
                if len(entry) == 1:
                    lines.append(entry[0].markdown(base_url))
                else:
                    lines.append(f"- {entry[0].heading(base_url)}")
                    lines += [c.markdown(base_url, nested=True) for c in entry]
            lines += [
                f"- {_group_line(c, _markdown, '→')}" for c in group if not isinstance(c, Change)
            ]
        if len(listed) > limit:
            lines += [
                "",
                f"… and {len(listed) - limit} more changes (run `evmap diff` to see all).",
            ]
        if self.derived:
            lines += ["", "**What this does to the map**", ""]
            lines += [change.markdown(base_url) for change in self.derived[:limit]]
            if len(self.derived) > limit:
                lines.append(f"- … and {len(self.derived) - limit} more")
        pages = self.pages()
        if pages:
            lines += ["", f"**Pages touched** ({len(pages)})", ""]
            for page in pages[:limit]:
                title = _markdown(page.title).strip('"')
                lines.append(
                    f"- [{title}]({page.href(base_url)})"
                    if base_url
                    else f"- {title}: `{page.url or './'}`"
                )
            if len(pages) > limit:
                lines.append(f"- … and {len(pages) - limit} more")
        return "\n".join(lines)

    def github(self) -> str:
        """One notice annotation per change, then per derived change."""
        return "\n".join(change.github() for change in (*self.changes, *self.derived))

    def render(self, fmt: str, base_url: str = "") -> str:
        """The diff in ``fmt``: ``text``, ``markdown`` or ``github``."""
        if fmt == "markdown":
            return self.markdown(base_url)
        if fmt == "github":
            return self.github()
        return self.text(base_url)


# -- comparing maps ---------------------------------------------------------


class _Pages:
    """Pages of the new map: titles and URLs, as the site computes them."""

    def __init__(self, evidence_map: EvidenceMap, directory_urls: bool) -> None:
        self.map = evidence_map
        self.urls = Urls(directory_urls)

    def _page(self, kind: str, subject: str, title: str) -> SitePage:
        return SitePage(title, self.urls.url(self.urls.src(kind, subject)))

    def page(self, kind: str) -> SitePage:
        """A site-wide page (``matrix``, ``network``)."""
        titles = {"matrix": "Evidence matrix", "network": "Evidence network"}
        return self._page(kind, "", titles[kind])

    def index(self, entity: Entity) -> SitePage:
        titles = {"pathway": "Pathways", "compound": "Compounds", "reference": "References"}
        return self._page(f"{entity}-index", "", titles[entity])

    def of(self, entity: Entity, id_: str) -> SitePage | None:
        m = self.map
        if entity is Entity.PATHWAY and id_ in m.pathways:
            return self._page("pathway", id_, m.pathways[id_].name)
        if entity is Entity.COMPOUND and id_ in m.compounds:
            return self._page("compound", id_, m.compounds[id_].name)
        if entity is Entity.REFERENCE and id_ in m.references:
            ref = m.references[id_]
            return self._page("reference", ref.slug, ref.label)
        if entity is Entity.CLAIM and id_ in m.claims:
            home = self.of(Entity.PATHWAY, m.claims[id_].home_pathway)
            return SitePage(home.title, f"{home.url}#claim-{id_}") if home else None
        return None

    def of_claim(self, *claims: Claim | None) -> tuple[SitePage, ...]:
        """Pages listing the claim on either side: its pathways, compounds and references."""
        found: dict[str, SitePage] = {}
        for claim in claims:
            if claim is None:
                continue
            for kind, id_ in claim_pages(claim):
                page = self.of(Entity(kind), id_)
                if page is not None:
                    found.setdefault(page.url, page)
        return tuple(found.values())

    def of_entry(self, entity: Entity, id_: str) -> tuple[SitePage, ...]:
        """The entry's own page (when it exists) and the index of its kind."""
        own = self.of(entity, id_)
        return (*([own] if own else []), self.index(entity))


def diff_maps(old: EvidenceMap, new: EvidenceMap, directory_urls: bool = True) -> MapDiff:
    """Compare two maps entry by entry and field by field.

    Args:
        old: The base map.
        new: The head map; pages and links refer to its site.
        directory_urls: Whether page URLs are ``x/`` (MkDocs' default) or ``x.html``.
    """
    pages = _Pages(new, directory_urls)
    changes = [
        *_diff_claims(old, new, pages),
        *_diff_entries(Entity.COMPOUND, old.compounds, new.compounds, _compound_fields, pages),
        *_diff_entries(Entity.PATHWAY, old.pathways, new.pathways, _pathway_fields, pages),
        *_diff_entries(Entity.REFERENCE, old.references, new.references, _reference_fields, pages),
    ]
    derived = list(_derived_changes(old, new, analyse_map(old), analyse_map(new), pages))
    return MapDiff(
        tuple(sorted(changes, key=Change.sort_key)), tuple(sorted(derived, key=Change.sort_key))
    )


def _grade(analysis: MapAnalysis, cid: str) -> str:
    return GRADE_LABELS[analysis.certainty[cid].grade].lower()


def _cell_counts(cell: Cell | None) -> str:
    """A cell's items as glyph counts, ``▲2 ▼1`` (``empty`` for no cell)."""
    if cell is None:
        return "empty"
    return " ".join(
        f"{glyph}{cell.count(stance)}"
        for stance, glyph in STANCE_GLYPHS.items()
        if cell.count(stance)
    )


def _derived_changes(
    old: EvidenceMap, new: EvidenceMap, before: MapAnalysis, after: MapAnalysis, pages: _Pages
) -> Iterator[Change]:
    """What the edit does to the map: grades, contested claims and pairs, matrix cells."""
    for cid in sorted(old.claims.keys() | new.claims.keys()):
        claim = new.claims.get(cid) or old.claims[cid]
        where = (claim.source.path, claim.source.line)
        page = pages.of(Entity.CLAIM, cid)
        if cid in old.claims and cid in new.claims:
            grade_before, grade_after = _grade(before, cid), _grade(after, cid)
            if grade_before != grade_after:
                certainty = after.certainty[cid]
                reason = (
                    f"set by the curators: {certainty.reason}"
                    if certainty.overridden
                    else "; ".join(certainty.steps)
                )
                yield Change(
                    ChangeKind.GRADE_CHANGED,
                    Entity.CLAIM,
                    cid,
                    *where,
                    old=grade_before,
                    new=grade_after,
                    page=page,
                    title=claim.statement,
                    field="grade",
                    reason=reason,
                )
        flag_before, flag_after = before.contradictions.get(cid), after.contradictions.get(cid)
        if (flag_before is None) != (flag_after is None):
            flag = flag_after or flag_before
            assert flag is not None
            yield Change(
                ChangeKind.NOW_CONTESTED if flag_after else ChangeKind.NO_LONGER_CONTESTED,
                Entity.CLAIM,
                cid,
                *where,
                new=flag.describe(),
                page=page,
                title=claim.statement,
            )
    matrix = pages.page("matrix")
    for key in sorted(before.cells.keys() | after.cells.keys()):
        cell_before, cell_after = before.cells.get(key), after.cells.get(key)
        compound, pathway = key
        names = (
            (new.compounds.get(compound) or old.compounds[compound]).name
            if compound != NO_COMPOUND
            else "No compound named",
            (new.pathways.get(pathway) or old.pathways[pathway]).name,
        )
        cell = cell_after or cell_before
        assert cell is not None
        base = Change(
            ChangeKind.BALANCE_CHANGED,
            Entity.CELL,
            f"{compound or 'none'} x {pathway}",
            "",
            0,
            page=SitePage(matrix.title, f"{matrix.url}#{cell.anchor}"),
            title=f"{names[0]} \u00d7 {names[1]}",
        )
        counts = (_cell_counts(cell_before), _cell_counts(cell_after))
        if counts[0] != counts[1]:
            yield dataclasses.replace(base, old=counts[0], new=counts[1])
        flagged = [c is not None and c.contradiction is not None for c in (cell_before, cell_after)]
        if flagged[0] != flagged[1]:
            side = cell_after if flagged[1] else cell_before
            assert side is not None and side.contradiction is not None
            kind = ChangeKind.NOW_CONTESTED if flagged[1] else ChangeKind.NO_LONGER_CONTESTED
            yield dataclasses.replace(base, kind=kind, new=side.contradiction.describe())


def _diff_claims(old: EvidenceMap, new: EvidenceMap, pages: _Pages) -> Iterator[Change]:
    for cid in sorted(old.claims.keys() | new.claims.keys()):
        before, after = old.claims.get(cid), new.claims.get(cid)
        touched = pages.of_claim(before, after)
        page = pages.of(Entity.CLAIM, cid)
        if before is None and after is not None:
            yield Change(
                ChangeKind.CLAIM_ADDED,
                Entity.CLAIM,
                cid,
                after.source.path,
                after.source.line,
                new=after.statement,
                page=page,
                pages=touched,
                title=after.statement,
            )
        elif after is None and before is not None:
            yield Change(
                ChangeKind.CLAIM_REMOVED,
                Entity.CLAIM,
                cid,
                before.source.path,
                before.source.line,
                old=before.statement,
                pages=touched,
                title=before.statement,
            )
        elif before is not None and after is not None:
            for change in _claim_changes(before, after):
                yield dataclasses.replace(change, page=page, pages=touched, title=after.statement)


def _claim_changes(before: Claim, after: Claim) -> Iterator[Change]:
    """Changes of one claim (entity fields and pages are filled in by the caller)."""

    def change(
        kind: ChangeKind, line: int, old: str = "", new: str = "", where: str = "", field: str = ""
    ) -> Change:
        return Change(
            kind, Entity.CLAIM, after.id, after.source.path, line, where, old, new, field=field
        )

    line = after.source.line
    if before.statement != after.statement:
        yield change(ChangeKind.STATEMENT_CHANGED, line, before.statement, after.statement)
    if before.pathways and after.pathways and before.home_pathway != after.home_pathway:
        yield change(ChangeKind.HOME_PATHWAY_CHANGED, line, before.home_pathway, after.home_pathway)
    for kind_on, kind_off, olds, news, lines in (
        (
            ChangeKind.PATHWAY_LINKED,
            ChangeKind.PATHWAY_UNLINKED,
            before.pathways,
            after.pathways,
            after.pathway_lines,
        ),
        (
            ChangeKind.COMPOUND_LINKED,
            ChangeKind.COMPOUND_UNLINKED,
            before.compounds,
            after.compounds,
            after.compound_lines,
        ),
    ):
        for i, item in enumerate(news):
            if item not in olds:
                yield change(kind_on, _at(lines, i, line), new=item)
        for item in olds:
            if item not in news:
                yield change(kind_off, line, old=item)
    if before.certainty != after.certainty:
        yield change(ChangeKind.CERTAINTY_CHANGED, line, _certainty(before), _certainty(after))
    if before.asserts != after.asserts:
        yield change(
            ChangeKind.FIELD_CHANGED,
            line,
            _asserts(before),
            _asserts(after),
            "'asserts'",
            field="asserts",
        )
    if before.former_ids != after.former_ids:
        yield change(
            ChangeKind.FIELD_CHANGED,
            line,
            ", ".join(before.former_ids),
            ", ".join(after.former_ids),
            "'former_ids'",
            field="former_ids",
        )
    yield from _evidence_changes(before, after, change)


def _asserts(claim: Claim) -> str:
    """What the claim asserts about its pairs, as one line (``through`` when unsaid)."""
    if not claim.asserts:
        return Relation.THROUGH.value

    def scope(rule: Assertion) -> str:
        named = [*rule.compounds, *rule.pathways]
        return f" ({', '.join(named)})" if named else ""

    return "; ".join(f"{rule.relation.value}{scope(rule)}" for rule in claim.asserts)


def _certainty(claim: Claim) -> str:
    """The curator's grade and reason, or ``derived`` when the derived grade applies."""
    if claim.certainty is None:
        return "derived"
    return f"{claim.certainty.grade.value} ({claim.certainty.reason})"


def _at(lines: Sequence[int], index: int, fallback: int) -> int:
    return lines[index] if index < len(lines) else fallback


def _evidence_key(ev: Evidence) -> tuple[object, ...]:
    return tuple(getattr(ev, spec.name) for spec in yaml_fields(Evidence))


def pair_evidence(
    olds: Sequence[Evidence], news: Sequence[Evidence]
) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Pair the evidence items of two versions of a claim.

    Returns:
        ``(pairs, removed, added)``: index pairs (old, new), unpaired old
        indexes and unpaired new indexes, each sorted.
    """
    free_old, free_new = list(range(len(olds))), list(range(len(news)))
    pairs: list[tuple[int, int]] = []
    tests: list[Callable[[Evidence, Evidence], bool]] = [
        lambda a, b: _evidence_key(a) == _evidence_key(b),
        lambda a, b: a.finding == b.finding,
        lambda a, b: set(a.citations) == set(b.citations),
        lambda a, b: difflib.SequenceMatcher(None, a.finding, b.finding).ratio() >= 0.6,
    ]
    for same in tests:
        for j in list(free_new):
            match = next((i for i in free_old if same(olds[i], news[j])), None)
            if match is not None:
                pairs.append((match, j))
                free_old.remove(match)
                free_new.remove(j)
    return sorted(pairs, key=lambda p: p[1]), free_old, free_new


def _citations(ev: Evidence) -> str:
    return ", ".join(ev.citations)


def _evidence_changes(
    before: Claim, after: Claim, change: Callable[..., Change]
) -> Iterator[Change]:
    pairs, removed, added = pair_evidence(before.evidence, after.evidence)
    for i in removed:
        ev = before.evidence[i]
        yield change(
            ChangeKind.EVIDENCE_REMOVED,
            after.source.line,
            old=f"{ev.stance}: {ev.finding}",
            where=f"evidence item {i + 1} ({_citations(ev)})",
        )
    for j in added:
        ev = after.evidence[j]
        yield change(
            ChangeKind.EVIDENCE_ADDED,
            ev.source.line,
            new=f"{ev.stance}: {ev.finding}",
            where=f"evidence item {j + 1} ({_citations(ev)})",
        )
    for i, j in pairs:
        a, b = before.evidence[i], after.evidence[j]
        where = f"evidence item {j + 1} ({_citations(b)})"
        yield from _item_changes(a, b, where, change)


# Item fields with a kind of change of their own; every other field (including any
# new one) is reported as FIELD_CHANGED under its YAML name.
_ITEM_KINDS = {
    "stance": ChangeKind.STANCE_FLIPPED,
    "finding": ChangeKind.FINDING_CHANGED,
    "type": ChangeKind.STUDY_TYPE_CHANGED,
    "locator": ChangeKind.LOCATOR_CHANGED,
}


def _item_changes(
    a: Evidence, b: Evidence, where: str, change: Callable[..., Change]
) -> Iterator[Change]:
    """Changes between two versions of one item, field by field as the model declares them."""
    line = b.source.line
    for spec in yaml_fields(Evidence):
        key = spec.metadata["yaml"]
        old, new = getattr(a, spec.name), getattr(b, spec.name)
        if old == new:
            continue
        if key == "model":
            for part in ("species", "paradigm"):
                if getattr(old, part) != getattr(new, part):
                    yield change(
                        ChangeKind.MODEL_CHANGED,
                        line,
                        getattr(old, part),
                        getattr(new, part),
                        f"{where}: {part}",
                        field=part,
                    )
        elif key == "citations":
            for k, cite in enumerate(b.citations):
                if cite not in a.citations:
                    yield change(
                        ChangeKind.CITATION_ADDED, _at(b.citation_lines, k, line), "", cite, where
                    )
            for cite in a.citations:
                if cite not in b.citations:
                    yield change(ChangeKind.CITATION_REMOVED, line, cite, "", where)
        elif key in _ITEM_KINDS:
            yield change(_ITEM_KINDS[key], line, str(old), str(new), where, field=key)
        else:
            write = spec.metadata["write"]
            shown = [write(v) for v in (old, new)]
            yield change(
                ChangeKind.FIELD_CHANGED,
                line,
                *("; ".join(v) if isinstance(v, list) else str(v) for v in shown),
                f"{where}: '{key}'",
                field=key,
            )


Entry = Compound | Pathway | Reference


def _compound_fields(c: Entry) -> dict[str, str]:
    assert isinstance(c, Compound)
    return {
        "name": c.name,
        "kind": c.kind,
        "parent": c.parent or "",
        "synonyms": ", ".join(c.synonyms),
        "identifiers": ", ".join(f"{k}: {v}" for k, v in sorted(c.identifiers.items())),
        "summary": c.summary,
    }


def _pathway_fields(p: Entry) -> dict[str, str]:
    assert isinstance(p, Pathway)
    return {
        "name": p.name,
        "category": p.category,
        "related": ", ".join(p.related),
        "summary": p.summary,
    }


def _reference_fields(r: Entry) -> dict[str, str]:
    assert isinstance(r, Reference)
    return {"entry type": r.entry_type, **{k: v for k, v in sorted(r.fields.items())}}


_ADD_REMOVE = {
    Entity.COMPOUND: (ChangeKind.COMPOUND_ADDED, ChangeKind.COMPOUND_REMOVED),
    Entity.PATHWAY: (ChangeKind.PATHWAY_ADDED, ChangeKind.PATHWAY_REMOVED),
    Entity.REFERENCE: (ChangeKind.REFERENCE_ADDED, ChangeKind.REFERENCE_REMOVED),
}


def _diff_entries(
    entity: Entity,
    olds: Mapping[str, Entry],
    news: Mapping[str, Entry],
    fields: Callable[[Entry], dict[str, str]],
    pages: _Pages,
) -> Iterator[Change]:
    added_kind, removed_kind = _ADD_REMOVE[entity]
    for id_ in sorted(olds.keys() | news.keys()):
        before, after = olds.get(id_), news.get(id_)
        if before is None and after is not None:
            yield Change(
                added_kind,
                entity,
                id_,
                after.source.path,
                after.source.line,
                new=_title(after),
                page=pages.of(entity, id_),
                pages=pages.of_entry(entity, id_),
            )
        elif after is None and before is not None:
            yield Change(
                removed_kind,
                entity,
                id_,
                before.source.path,
                before.source.line,
                old=_title(before),
                pages=pages.of_entry(entity, id_),
            )
        elif before is not None and after is not None:
            a, b = fields(before), fields(after)
            for name in [*a, *(k for k in b if k not in a)]:
                if a.get(name, "") != b.get(name, ""):
                    yield Change(
                        ChangeKind.FIELD_CHANGED,
                        entity,
                        id_,
                        after.source.path,
                        after.source.line,
                        f"field '{name}'",
                        a.get(name, ""),
                        b.get(name, ""),
                        pages.of(entity, id_),
                        pages.of_entry(entity, id_),
                    )


def _title(entry: Entry) -> str:
    return entry.label if isinstance(entry, Reference) else entry.name


# -- loading both sides ------------------------------------------------------


def load_side(spec: str, config_file: Path, workdir: Path) -> EvidenceMap:
    """The map of one side: a folder holding ``mkdocs.yml``, else a git revision.

    Raises:
        DiffInputError: for an unknown revision, or content with errors.
    """
    folder = Path(spec)
    if folder.is_dir():
        root = folder
    else:
        try:
            root = export_revision(spec, config_file.resolve().parent, workdir)
        except GitError as exc:
            raise DiffInputError(str(exc)) from None
    result = check(load_settings(root / config_file.name))
    errors = result.errors()
    if errors:
        raise DiffInputError(f"{spec}: the evidence map has errors", errors)
    return result.map


def diff_projects(
    base: str, head: str, config_file: Path = Path("mkdocs.yml"), directory_urls: bool = True
) -> MapDiff:
    """Compare the evidence maps of two folders or git revisions of a project.

    Args:
        base: The folder or revision to compare from (e.g. ``origin/main``).
        head: The folder or revision to compare to (e.g. ``HEAD`` or ``.``).
        config_file: The project's ``mkdocs.yml`` in the working checkout; for
            folders, the name of the file to read in each.
        directory_urls: As MkDocs' ``use_directory_urls``, for page URLs.

    Raises:
        DiffInputError: when a side cannot be read or has content errors.
    """
    with tempfile.TemporaryDirectory(prefix="evmap-diff-") as tmp:
        old = load_side(base, config_file, Path(tmp) / "base")
        new = load_side(head, config_file, Path(tmp) / "head")
    found = diff_maps(old, new, directory_urls)
    if Path(base).is_dir() or Path(head).is_dir():
        return found
    try:
        changed = changed_files(config_file.resolve().parent, base, head)
    except GitError as exc:
        raise DiffInputError(str(exc)) from None
    code = tuple(name for name in changed if CODE_FILES.search(name))
    return dataclasses.replace(found, code=code)
