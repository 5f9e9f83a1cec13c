"""Identifiers shared with other resources: ChEBI, PubChem, GO, Reactome, NCBI Taxonomy, ECO...

Compounds and pathways carry the ids curators write under ``identifiers:``; model
species and evidence types get theirs from the vocabulary (:mod:`evmap.core.vocab`).
Each kind of id is one :class:`Scheme`: the YAML key, how the id is written, where
its record lives (the page a reader follows) and the IRI linked data uses for it.

Whether an id is well formed is decided by bioregistry, the maintained registry of
biomedical identifier schemes, which ships its data with the package (no network):
its pattern for the scheme's local ids, after the prefix the id is written with.
Importing bioregistry costs most of a second, so it happens only when a file with
ids is parsed, and the verdict is kept with the parsed file (:mod:`evmap.core.load`).
The page and IRI formats below are constants (pages are rendered without the
registry); ``tests/test_identifiers.py`` holds each one to bioregistry's own list.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata

from evmap.core.problems import Check, Problem

__all__ = [
    "COMPOUND_SCHEMES",
    "ECO",
    "NCBI_TAXON",
    "PATHWAY_SCHEMES",
    "SCHEMES",
    "Identifier",
    "Scheme",
    "identifier_problems",
    "identifiers_of",
    "load_registry_patterns",
    "registry_pattern",
    "registry_version",
    "scheme_problem",
]


@dataclass(frozen=True, slots=True)
class Scheme:
    """One kind of identifier.

    Attributes:
        key: The key under ``identifiers:`` in YAML (``chebi``).
        prefix: The scheme's prefix in bioregistry (``chebi``).
        label: How readers name the resource (``ChEBI``).
        written: What the id is written with before its local part (``CHEBI:``),
            "" when it is written bare.
        page: URL of the record a reader follows, ``{}`` standing for the local id
            (one of the providers bioregistry lists for the scheme).
        iri: The IRI linked data gives the thing, ``{}`` the local id (bioregistry's
            RDF URI format, else its default one).
        curie: The prefix of the CURIE in knowledge-graph exports (Biolink's prefix map).
        example: A well-formed id, as written (bioregistry's example).
        integer: Written as a YAML integer (PubChem CIDs).
    """

    key: str
    prefix: str
    label: str
    written: str
    page: str
    iri: str
    curie: str
    example: str
    integer: bool = False

    def local(self, value: str | int) -> str:
        """The local part of ``value`` (without :attr:`written`)."""
        text = str(value)
        return text[len(self.written) :] if self.written and text.startswith(self.written) else text

    def curie_of(self, value: str | int) -> str:
        """``value`` as a CURIE with the Biolink prefix (``CHEBI:6121``)."""
        return f"{self.curie}:{self.local(value)}"

    def page_of(self, value: str | int) -> str:
        """The URL of ``value``'s record."""
        return self.page.format(self.local(value))

    def iri_of(self, value: str | int) -> str:
        """The IRI linked data gives ``value``."""
        return self.iri.format(self.local(value))


CHEBI = Scheme(
    "chebi",
    "chebi",
    "ChEBI",
    "CHEBI:",
    "https://www.ebi.ac.uk/chebi/searchId.do?chebiId=CHEBI:{}",
    "http://purl.obolibrary.org/obo/CHEBI_{}",
    "CHEBI",
    "CHEBI:138488",
)
PUBCHEM = Scheme(
    "pubchem_cid",
    "pubchem.compound",
    "PubChem CID",
    "",
    "https://pubchem.ncbi.nlm.nih.gov/compound/{}",
    "http://rdf.ncbi.nlm.nih.gov/pubchem/compound/CID{}",
    "PUBCHEM.COMPOUND",
    "100101",
    integer=True,
)
DRUGBANK = Scheme(
    "drugbank",
    "drugbank",
    "DrugBank",
    "",
    "https://go.drugbank.com/drugs/{}",
    "https://go.drugbank.com/drugs/{}",
    "DRUGBANK",
    "DB14938",
)
INCHIKEY = Scheme(
    "inchikey",
    "inchikey",
    "InChIKey",
    "",
    "https://identifiers.org/inchikey:{}",
    "https://identifiers.org/inchikey:{}",
    "INCHIKEY",
    "RYYVLZVUVIJVGH-UHFFFAOYSA-N",
)
GO = Scheme(
    "go",
    "go",
    "GO",
    "GO:",
    "https://amigo.geneontology.org/amigo/term/GO:{}",
    "http://purl.obolibrary.org/obo/GO_{}",
    "GO",
    "GO:0032571",
)
REACTOME = Scheme(
    "reactome",
    "reactome",
    "Reactome",
    "",
    "https://reactome.org/content/detail/{}",
    "https://reactome.org/content/detail/{}",
    "REACT",
    "R-BTA-418592",
)
WIKIPATHWAYS = Scheme(
    "wikipathways",
    "wikipathways",
    "WikiPathways",
    "",
    "https://www.wikipathways.org/instance/{}",
    "http://identifiers.org/wikipathways/{}",
    "WIKIPATHWAYS",
    "WP732",
)
NCBI_TAXON = Scheme(
    "ncbitaxon",
    "ncbitaxon",
    "NCBI Taxonomy",
    "NCBITaxon:",
    "https://www.ncbi.nlm.nih.gov/Taxonomy/Browser/wwwtax.cgi?id={}",
    "http://purl.obolibrary.org/obo/NCBITaxon_{}",
    "NCBITaxon",
    "NCBITaxon:2170610",
)
ECO = Scheme(
    "eco",
    "eco",
    "ECO",
    "ECO:",
    "https://www.ebi.ac.uk/QuickGO/term/ECO:{}",
    "http://purl.obolibrary.org/obo/ECO_{}",
    "ECO",
    "ECO:0007807",
)

COMPOUND_SCHEMES: tuple[Scheme, ...] = (CHEBI, PUBCHEM, DRUGBANK, INCHIKEY)
"""What a compound's ``identifiers`` may hold, in the order pages list them."""
PATHWAY_SCHEMES: tuple[Scheme, ...] = (GO, REACTOME, WIKIPATHWAYS)
"""What a pathway's ``identifiers`` may hold, in the order pages list them."""
SCHEMES: Mapping[str, Scheme] = {
    s.key: s for s in (*COMPOUND_SCHEMES, *PATHWAY_SCHEMES, NCBI_TAXON, ECO)
}
"""Every scheme by its key."""


@dataclass(frozen=True, slots=True)
class Identifier:
    """One id of an entity, ready for pages and exports.

    Attributes:
        scheme: Its kind.
        value: As written (``CHEBI:6121``, ``3821``).
    """

    scheme: Scheme
    value: str

    @property
    def text(self) -> str:
        """How a page names it: ``ChEBI CHEBI:6121``, ``PubChem CID 3821``."""
        return f"{self.scheme.label} {self.value}" if not self.scheme.written else self.value

    @property
    def href(self) -> str:
        """The URL of its record."""
        return self.scheme.page_of(self.value)

    @property
    def iri(self) -> str:
        """Its IRI in linked data."""
        return self.scheme.iri_of(self.value)

    @property
    def curie(self) -> str:
        """Its CURIE in knowledge-graph exports."""
        return self.scheme.curie_of(self.value)


def identifiers_of(written: Mapping[str, str | int], schemes: Sequence[Scheme]) -> list[Identifier]:
    """The ids of an entity in ``schemes`` order (keys the schemes do not know are skipped)."""
    return [Identifier(s, str(written[s.key])) for s in schemes if s.key in written]


def registry_version() -> str:
    """The installed bioregistry's version ("" when missing): verdicts depend on it."""
    try:
        return metadata.version("bioregistry")
    except metadata.PackageNotFoundError:
        return ""


@functools.cache
def registry_pattern(prefix: str) -> re.Pattern[str] | None:
    """bioregistry's pattern for the local ids of ``prefix`` (None when it has none).

    Matched whole (``fullmatch``): some registry patterns anchor only one side of an
    alternation (``^(\\d+)|([a-zA-Z_]+)$``).
    """
    import bioregistry  # most of a second: only when ids are to be checked

    pattern = bioregistry.get_pattern(prefix)
    return re.compile(pattern) if pattern else None


def load_registry_patterns() -> None:
    """Read bioregistry's pattern of every scheme now (and keep them for this process)."""
    for scheme in SCHEMES.values():
        registry_pattern(scheme.prefix)


def scheme_problem(scheme: Scheme, value: object) -> str:
    """What is wrong with ``value`` as an id of ``scheme`` ("" when it is well formed)."""
    if scheme.integer:
        if isinstance(value, bool) or not isinstance(value, int):
            return f"is not a number; write the {scheme.label} as digits, without quotes"
        text = str(value)
    elif not isinstance(value, str):
        return f"is not a text; write it as {scheme.example}"
    else:
        text = value
    if scheme.written and not text.startswith(scheme.written):
        return f"does not start with '{scheme.written}'"
    pattern = registry_pattern(scheme.prefix)
    local = scheme.local(text)
    if pattern is not None and not pattern.fullmatch(local):
        after = f" after '{scheme.written}'" if scheme.written else ""
        return f"does not match the registry's pattern {pattern.pattern}{after}"
    return ""


def identifier_problems(
    kind: str,
    entry_id: str,
    written: Mapping[str, object],
    lines: Mapping[str, int],
    schemes: Sequence[Scheme],
    path: str,
) -> list[Problem]:
    """A problem for each malformed id of one entry (the schema has checked the keys).

    ``lines`` gives the line of each key under ``identifiers:``.
    """
    problems = []
    by_key = {s.key: s for s in schemes}
    for key, value in written.items():
        scheme = by_key.get(key)
        if scheme is None:
            continue
        wrong = scheme_problem(scheme, value)
        if wrong:
            problems.append(
                Problem(
                    path,
                    lines.get(key, 0),
                    f"{kind} '{entry_id}': identifiers: {key} {value!r} {wrong}; expected "
                    f"a well-formed {scheme.label} id such as {scheme.example} (bioregistry "
                    f"'{scheme.prefix}'); copy it from the {scheme.label} record, or leave "
                    "it out when no record confirms it",
                    Check.MALFORMED_IDENTIFIER,
                )
            )
    return problems
