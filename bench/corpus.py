"""Seeded synthetic corpus generator in evmap's content format.

``write_corpus(dest, size, seed)`` writes a complete evmap site directory::

    dest/
      mkdocs.yml              our site (Material + search + evmap)
      references.bib          realistic BibTeX (LaTeX escapes, UTF-8, long author lists)
      docs/                   empty: the evmap plugin generates the pages
      content/compounds/<id>.yml
      content/pathways/<id>.yml
      content/claims/claims-NNN.yml   (a list of up to 100 claims per file)

The output is a pure function of ``(size, seed)``: the same arguments give
byte-identical files.  Only :class:`random.Random` methods whose output is stable across
Python versions are used (``random``, ``choice``, ``choices``, ``sample``, ``shuffle``,
``randint``), and YAML is emitted by PyYAML's pure-Python ``SafeDumper``.

Guarantees (checked by :func:`check_corpus`): every file validates against the JSON Schemas
in ``build_tools/evmap/schema``; every reference is cited by at least one evidence item;
every compound and pathway is used by at least one claim; every compound ``parent`` exists
and the parent graph has no cycles; every ``related`` pathway exists.

Run as a script to write a corpus: ``python bench/corpus.py --size S --dest bench/out/S/corpus``.
"""

# The corpus deliberately contains Greek letters and en dashes (realistic UTF-8 content).
# ruff: noqa: RUF001

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
"""Root of the evmap repository (the parent of ``bench/``)."""

SCHEMA_DIR = REPO / "build_tools" / "evmap" / "schema"


@dataclass(frozen=True)
class SizeSpec:
    """How many of each kind of item a corpus size has."""

    claims: int
    refs: int
    pathways: int
    compounds: int
    claims_per_file: int = 100


SIZES: dict[str, SizeSpec] = {
    "S": SizeSpec(claims=50, refs=30, pathways=10, compounds=15),
    "M": SizeSpec(claims=1000, refs=400, pathways=50, compounds=100),
    "L": SizeSpec(claims=10000, refs=2000, pathways=200, compounds=500),
    "XL": SizeSpec(claims=100000, refs=20000, pathways=2000, compounds=5000),
}


@dataclass
class CorpusStats:
    """What :func:`write_corpus` wrote."""

    size: str
    seed: int
    root: str
    claims: int
    references: int
    pathways: int
    compounds: int
    evidence: int
    citations: int
    claim_files: int
    files: int
    bytes: int
    compound_ids: list[str] = field(default_factory=list, repr=False)
    pathway_ids: list[str] = field(default_factory=list, repr=False)
    reference_keys: list[str] = field(default_factory=list, repr=False)

    def summary(self) -> dict[str, Any]:
        """The counts only (no id lists), for reports."""
        d = asdict(self)
        for k in ("compound_ids", "pathway_ids", "reference_keys"):
            d.pop(k)
        return d


@dataclass
class Corpus:
    """An in-memory corpus: plain dicts shaped exactly like the YAML files."""

    compounds: list[dict[str, Any]]
    pathways: list[dict[str, Any]]
    claims: list[dict[str, Any]]
    bib_entries: list[str]
    bib_keys: list[str]
    reference_notes: list[dict[str, Any]] = field(default_factory=list)


# --------------------------------------------------------------------------- vocabulary

# (LaTeX form, UTF-8 form, ASCII key form).  The key form may contain '-' or '_'.
SURNAMES: list[tuple[str, str, str]] = [
    ("Smith", "Smith", "smith"),
    ("Zhang", "Zhang", "zhang"),
    ("Wang", "Wang", "wang"),
    ("Li", "Li", "li"),
    ("Chen", "Chen", "chen"),
    ("Kim", "Kim", "kim"),
    ("Park", "Park", "park"),
    ("Hashimoto", "Hashimoto", "hashimoto"),
    ("Yamada", "Yamada", "yamada"),
    ("Duman", "Duman", "duman"),
    ("Monteggia", "Monteggia", "monteggia"),
    ("Kavalali", "Kavalali", "kavalali"),
    ("Zanos", "Zanos", "zanos"),
    ("Gould", "Gould", "gould"),
    ("Krystal", "Krystal", "krystal"),
    ("Sanacora", "Sanacora", "sanacora"),
    ("Nestler", "Nestler", "nestler"),
    ("Russo", "Russo", "russo"),
    (r"M{\"u}ller", "Müller", "muller"),
    (r"Schr{\"o}der", "Schröder", "schroder"),
    (r"Garc{\'\i}a", "García", "garcia"),
    (r"P{\'e}rez", "Pérez", "perez"),
    (r"L{\'o}pez", "López", "lopez"),
    (r"Gon\c{c}alves", "Gonçalves", "goncalves"),
    (r"S{\o}rensen", "Sørensen", "sorensen"),
    (r"J{\o}rgensen", "Jørgensen", "jorgensen"),
    (r"{\AA}ngstr{\"o}m", "Ångström", "angstrom"),
    (r"Dvo{\v{r}}{\'a}k", "Dvořák", "dvorak"),
    (r"{\L}ukasiewicz", "Łukasiewicz", "lukasiewicz"),
    (r"N{\'u}{\~n}ez", "Núñez", "nunez"),
    (r"{\.Z}ukowska", "Żukowska", "zukowska"),
    (r"{\v{S}}imi{\'c}", "Šimić", "simic"),
    (r"{\c{C}}elik", "Çelik", "celik"),
    (r"{\"O}zt{\"u}rk", "Öztürk", "ozturk"),
    (r"Lef{\`e}vre", "Lefèvre", "lefevre"),
    (r"Ferr{\'e}s-Coy", "Ferrés-Coy", "ferres-coy"),
    (r"Ib{\'a}{\~n}ez", "Ibáñez", "ibanez"),
    ("O'Brien", "O'Brien", "o_brien"),
    ("van der Berg", "van der Berg", "vanderberg"),
    ("de la Cruz", "de la Cruz", "delacruz"),
    ("Adell", "Adell", "adell"),
    ("Artigas", "Artigas", "artigas"),
    ("Popoli", "Popoli", "popoli"),
    ("Menard", "Menard", "menard"),
    ("Berton", "Berton", "berton"),
    ("Kowalski", "Kowalski", "kowalski"),
    ("Johansson", "Johansson", "johansson"),
    ("Ferreira", "Ferreira", "ferreira"),
    ("Rossi", "Rossi", "rossi"),
    ("Moreau", "Moreau", "moreau"),
    ("Patel", "Patel", "patel"),
    ("Gupta", "Gupta", "gupta"),
    ("Okafor", "Okafor", "okafor"),
    ("Mensah", "Mensah", "mensah"),
    ("Haddad", "Haddad", "haddad"),
    ("Cohen", "Cohen", "cohen"),
    ("Ivanov", "Ivanov", "ivanov"),
    ("Kuznetsova", "Kuznetsova", "kuznetsova"),
    ("Nguyễn", "Nguyễn", "nguyen"),
    ('Bront{\\"e}', "Brontë", "bronte"),
]

# (LaTeX form, UTF-8 form)
FIRST_NAMES: list[tuple[str, str]] = [
    ("Hans", "Hans"),
    (r"Ren{\'e}e", "Renée"),
    (r"Fran\c{c}oise", "Françoise"),
    (r"S{\o}ren", "Søren"),
    (r"Zo{\"e}", "Zoë"),
    (r"Jos{\'e}", "José"),
    (r"Jo{\~a}o", "João"),
    (r"Bj{\"o}rn", "Björn"),
    (r"Ma{\l}gorzata", "Małgorzata"),
    (r"{\L}ukasz", "Łukasz"),
    (r"No{\'e}mie", "Noémie"),
    (r"Th{\'e}r{\`e}se", "Thérèse"),
    (r"Miko{\l}aj", "Mikołaj"),
    ("Yuki", "Yuki"),
    ("Wei", "Wei"),
    ("Min-Jun", "Min-Jun"),
    ("Ronald S.", "Ronald S."),
    ("Lisa M.", "Lisa M."),
    ("Panos", "Panos"),
    ("Carlos A.", "Carlos A."),
    ("Chadi G.", "Chadi G."),
    ("Todd D.", "Todd D."),
    ("Kenji", "Kenji"),
    ("Ji-Chun", "Ji-Chun"),
    ("Ana", "Ana"),
    ("Ingrid", "Ingrid"),
    ("A.", "A."),
    ("J. R.", "J. R."),
    ("Mar{\\'\\i}a Jos{\\'e}", "María José"),
    ("Kwame", "Kwame"),
]

# Protected words, as they appear inside a BibTeX title.
PROTECTED = [
    "{NMDA}",
    "{BDNF}",
    "{AMPA}",
    "{TrkB}",
    "{mTORC1}",
    r"{GSK-3$\beta$}",
    "{HPA}",
    "{GluN2B}",
    "{IL-6}",
    r"{TNF-$\alpha$}",
    r"{5-HT$_{2A}$}",
    "{eEF2}",
    "{HCN1}",
    "{Kir4.1}",
    "{VGF}",
]

TITLE_TEMPLATES = [
    r"{P1} receptor blockade \& {P2} release underlie the antidepressant actions of {c}",
    r"Sustained antidepressant effects of {c} require {P1}-dependent synaptogenesis",
    r"{C} and its metabolites: pharmacology, mechanisms -- and open questions",
    r"Role of $\alpha$-amino-3-hydroxy-5-methyl-4-isoxazolepropionic acid ({AMPA}) receptors "
    r"in {P1} signalling",
    r"A randomized, double-blind trial of {c} in treatment-resistant depression ({TRD})",
    r"{P1}--{P2} crosstalk in the prefrontal cortex: a 10--20\% effect?",
    r"Effects of {c} on {P1} expression in the {Wistar--Kyoto} rat",
    r"Inflammation, {IL-6} and the response to {c}: $\gamma$-oscillations revisited",
    r"{C} rapidly reverses stress-induced deficits via {P1} and {P2}",
    r"Neurobiology of rapid-acting antidepressants: from {P1} to {P2}",
    r"Sex differences in {P1}-mediated responses to {c} in {C57BL/6J} mice",
    r"{C} at 10~mg/kg engages {P1} but not {P2} \emph{in vivo}",
]

BOOK_TITLES = [
    "Handbook of Rapid-Acting Antidepressants",
    "{NMDA} Receptors: Methods and Protocols",
    r"The Neurobiology of Depression \& Its Treatment",
    "Glutamate and Mood Disorders",
    r"Ketamine: From Anaesthetic to {\"U}ber-Antidepressant?",
    r"Synaptic Plasticity -- Molecular, Cellular and Functional Aspects",
    r"Neuroinflammation and $\gamma$-Oscillations in Psychiatry",
]

BOOKTITLES = [
    "Proceedings of the Annual Meeting of the Society for Neuroscience",
    "Neuropsychopharmacology: {ACNP} 58th Annual Meeting Abstracts",
    r"Proceedings of the {IEEE} Engineering in Medicine \& Biology Conference",
    r"Actes du Congr{\`e}s de l'Enc{\'e}phale",
]

JOURNALS = [
    "Nature",
    "Molecular Psychiatry",
    "Biological Psychiatry",
    "Neuron",
    "Journal of Neuroscience",
    "Neuropsychopharmacology",
    "American Journal of Psychiatry",
    "Translational Psychiatry",
    r"Pharmacology \& Therapeutics",
    "Frontiers in Psychiatry",
    "Psychopharmacology",
    "eLife",
    "Proceedings of the National Academy of Sciences of the {USA}",
    r"Revista de Psiquiatr{\'\i}a y Salud Mental",
]

PUBLISHERS = [
    ("Springer", "Cham"),
    ("Academic Press", "London"),
    ("Oxford University Press", "Oxford"),
    ("Cambridge University Press", "Cambridge"),
    ("Humana Press", "New York"),
    ("Elsevier", "Amsterdam"),
    (r"Masson \& Cie", "Paris"),
]

MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

# (display name, category)
PATHWAY_TARGETS: list[tuple[str, str]] = [
    ("NMDA receptor", "receptor"),
    ("GluN2B-containing NMDA receptor", "receptor"),
    ("AMPA receptor", "receptor"),
    ("mGluR2/3", "receptor"),
    ("mGluR5", "receptor"),
    ("μ-opioid receptor", "receptor"),
    ("5-HT2A receptor", "receptor"),
    ("5-HT1A receptor", "receptor"),
    ("D2 receptor", "receptor"),
    ("σ1 receptor", "receptor"),
    ("α7 nicotinic receptor", "receptor"),
    ("GABA-A receptor", "receptor"),
    ("HCN1 channel", "ion-channel"),
    ("Kir4.1 channel", "ion-channel"),
    ("L-type calcium channel", "ion-channel"),
    ("TREK-1 channel", "ion-channel"),
    ("KCNQ channel", "ion-channel"),
    ("BDNF–TrkB", "neurotrophic"),
    ("VGF", "neurotrophic"),
    ("NGF–TrkA", "neurotrophic"),
    ("GDNF", "neurotrophic"),
    ("mTORC1", "translation"),
    ("eEF2 kinase", "translation"),
    ("4E-BP", "translation"),
    ("S6K1", "translation"),
    ("GSK-3β", "signalling"),
    ("ERK1/2", "signalling"),
    ("CaMKII", "signalling"),
    ("PKA–CREB", "signalling"),
    ("Wnt–β-catenin", "signalling"),
    ("AKT", "signalling"),
    ("IL-6", "immune"),
    ("TNF-α", "immune"),
    ("NLRP3 inflammasome", "immune"),
    ("kynurenine pathway", "immune"),
    ("IL-1β", "immune"),
    ("lateral habenula burst firing", "circuit"),
    ("mPFC–NAc projection", "circuit"),
    ("vHPC–mPFC projection", "circuit"),
    ("VTA dopamine neuron", "circuit"),
    ("synaptogenesis", "plasticity"),
    ("long-term potentiation", "plasticity"),
    ("homeostatic synaptic scaling", "plasticity"),
    ("dendritic spine", "plasticity"),
    ("astrocytic glutamate uptake", "glia"),
    ("microglial activation", "glia"),
    ("oligodendrocyte myelination", "glia"),
    ("gut microbiota", "periphery"),
    ("vagal afferent", "periphery"),
    ("HPA axis", "endocrine"),
    ("oestrogen", "endocrine"),
    ("circadian clock", "other"),
    ("mitochondrial function", "other"),
]

PATHWAY_QUALIFIERS = [
    "",
    " signalling",
    " in prefrontal cortex",
    " in hippocampus",
    " in nucleus accumbens",
    " in amygdala",
    " (acute)",
    " (sustained)",
    " in females",
    " in adolescence",
    " modulation",
    " downstream effectors",
]
# Only corpora with more pathways than target x qualifier (XL) add a cell type; smaller
# sizes draw from the combinations above alone, so their files stay as they were.
PATHWAY_CELLS = [
    " in pyramidal neurons",
    " in GABAergic interneurons",
    " in astrocytes",
    " in microglia",
    " in oligodendrocytes",
    " in dopaminergic neurons",
    " in serotonergic neurons",
    " in endothelial cells",
]

ONSETS = [
    "ar", "bel", "cor", "dal", "ez", "fen", "gal", "hal", "is", "ket", "lam", "mor",
    "nor", "ox", "pra", "quin", "ras", "sel", "tra", "ven", "zol", "xan", "mil", "dex",
]  # fmt: skip
MIDDLES = ["a", "e", "i", "o", "u", "ami", "eto", "ipra", "oxa", "", "al", "ur"]
SUFFIXES = [
    "mine", "zole", "pam", "tine", "done", "pril", "olol", "xetine", "pine", "zepam",
    "fen", "dine", "lone", "tant", "stat",
]  # fmt: skip
METABOLITE_PREFIXES = ["nor", "hydroxy", "dehydro", "(2R,6R)-hydroxynor", "6-hydroxy", "desmethyl"]

VERBS = [
    ("increases", "increases"),
    ("decreases", "decreases"),
    ("requires", "requires"),
    ("acts independently of", "bypasses"),
    ("potentiates", "potentiates"),
    ("normalises", "normalises"),
    ("blocks", "blocks"),
    ("restores", "restores"),
]
CONTEXTS = [
    "after a single sub-anaesthetic dose",
    "within 24 h",
    "in chronically stressed animals",
    "at clinically relevant concentrations (≤ 10 μM)",
    "for at least 7 days",
    "in a dose-dependent manner",
    "in treatment-resistant depression",
    "",
]

# evidence type -> allowed species
TYPE_SPECIES: dict[str, list[str]] = {
    "in-vitro": ["cell-line", "rat", "mouse"],
    "ex-vivo": ["mouse", "rat"],
    "in-vivo": ["mouse", "rat", "non-human-primate"],
    "clinical": ["human"],
    "review": ["none"],
}
PARADIGMS: dict[str, list[str]] = {
    "mouse": ["CSDS", "CUMS", "LPS", "learned helplessness", "forced swim test", "chronic CORT"],
    "rat": ["WKY rat", "CUMS", "LPS", "Flinders sensitive line", "olfactory bulbectomy"],
    "human": ["MDD trial", "TRD trial", "healthy volunteers", "bipolar depression trial"],
    "cell-line": ["SH-SY5Y", "primary cortical neurons", "PC12", "HEK293 (GluN1/GluN2B)"],
    "non-human-primate": ["marmoset", "cynomolgus macaque"],
    "none": ["systematic review", "meta-analysis", "narrative review"],
}
REGIONS = ["mPFC", "hippocampal CA1", "dentate gyrus", "NAc", "LHb", "BLA", "VTA", "serum", "CSF"]
MEASURES = ["phosphorylation", "protein levels", "mRNA expression", "spine density",
            "mEPSC frequency", "burst firing", "immobility time", "sucrose preference"]  # fmt: skip
CERTAINTY_REASONS = [
    "Effect sizes are implausibly large and the two positive studies share authors.",
    "Only one laboratory has reported this; downgraded for imprecision.",
    "Consistent replication across species and paradigms; upgraded for dose–response.",
    "Clinical evidence is limited to open-label studies with small samples (n < 30).",
]


# --------------------------------------------------------------------------- helpers

_GREEK = {"α": "alpha", "β": "beta", "γ": "gamma", "μ": "mu", "σ": "sigma"}


def slugify(text: str, max_len: int = 80) -> str:
    """Turn a display name into a slug matching the schemas' ``slug`` pattern."""
    for g, latin in _GREEK.items():
        text = text.replace(g, f" {latin} ")
    text = text.replace("–", "-").replace("—", "-")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if len(slug) > max_len:
        slug = slug[:max_len].rsplit("-", 1)[0]
    return slug


def _weights(n: int, exponent: float = 0.5) -> list[float]:
    """Cumulative Zipf-like weights over ``n`` ranks (a few hubs, a long tail)."""
    cum: list[float] = []
    total = 0.0
    for rank in range(n):
        total += 1.0 / (rank + 1) ** exponent
        cum.append(total)
    return cum


def _pick_distinct(
    rng: random.Random, pool: Sequence[str], cum: list[float], k: int, first: str | None
) -> list[str]:
    """``k`` distinct items of ``pool``, the first being ``first`` if given, the rest weighted."""
    out: list[str] = [first] if first is not None else []
    k = min(k, len(pool))
    while len(out) < k:
        item = rng.choices(pool, cum_weights=cum)[0]
        if item not in out:
            out.append(item)
    return out


def _count(rng: random.Random, weights: Sequence[float]) -> int:
    """A count in ``1..len(weights)`` drawn with the given weights."""
    return rng.choices(range(1, len(weights) + 1), weights=weights)[0]


# --------------------------------------------------------------------------- generators


def _make_compounds(rng: random.Random, n: int) -> list[dict[str, Any]]:
    """``n`` compounds; about a third derive from an earlier one (so parents never cycle)."""
    compounds: list[dict[str, Any]] = []
    ids: set[str] = set()
    enantiomers: dict[str, int] = {}
    while len(compounds) < n:
        parent: dict[str, Any] | None = None
        if compounds and rng.random() < 0.33:
            parent = rng.choice(compounds)
        if parent is not None and parent["kind"] == "racemate":
            if enantiomers.get(parent["id"], 0) >= 2:
                continue
            prefix = ["(R)-", "(S)-"][enantiomers.get(parent["id"], 0)]
            name = prefix + parent["name"]
            kind = "enantiomer"
        elif parent is not None:
            name = rng.choice(METABOLITE_PREFIXES) + parent["name"].removeprefix("(R)-")
            kind = "metabolite"
        else:
            name = rng.choice(ONSETS) + rng.choice(MIDDLES) + rng.choice(SUFFIXES)
            kind = rng.choices(
                ["drug", "racemate", "tool-compound", "endogenous"], weights=[4, 2, 3, 1]
            )[0]
        cid = slugify(name)
        if cid in ids or len(name) > 200:
            continue
        ids.add(cid)
        if kind == "enantiomer" and parent is not None:
            enantiomers[parent["id"]] = enantiomers.get(parent["id"], 0) + 1
        comp: dict[str, Any] = {"id": cid, "name": name}
        if rng.random() < 0.5:
            syns = {
                name.capitalize() + "®",
                f"{name[:3].upper()}-{rng.randint(100, 999)}",
                f"(±)-{name}",
                f"{rng.choice(['CP', 'GLYX', 'MK', 'AZD', 'JNJ'])}-{rng.randint(10, 99_999)}",
            }
            comp["synonyms"] = rng.sample(sorted(syns), rng.randint(1, 3))
        comp["kind"] = kind
        if parent is not None:
            comp["parent"] = parent["id"]
        ident: dict[str, Any] = {}
        if rng.random() < 0.6:
            ident["pubchem_cid"] = rng.randint(1, 200_000_000)
        if rng.random() < 0.4:
            ident["chebi"] = f"CHEBI:{rng.randint(1, 999_999)}"
        if ident:
            comp["identifiers"] = ident
        if rng.random() < 0.7:
            comp["summary"] = (
                f"{name[0].upper()}{name[1:]} is a {kind.replace('-', ' ')} studied for rapid "
                f"antidepressant effects. Plasma half-life ≈ {rng.randint(1, 24)} h; "
                f"doses of {rng.randint(1, 50)}–{rng.randint(51, 200)} mg/kg were used in rodents."
            )
        compounds.append(comp)
    return compounds


def _make_pathways(rng: random.Random, n: int) -> list[dict[str, Any]]:
    """``n`` distinct pathways drawn from target x qualifier combinations."""
    combos = [(t, c, q) for t, c in PATHWAY_TARGETS for q in PATHWAY_QUALIFIERS]
    if n > len(combos):
        combos += [
            (t, c, q + cell)
            for t, c in PATHWAY_TARGETS
            for q in PATHWAY_QUALIFIERS
            for cell in PATHWAY_CELLS
            if not q.startswith(" in ")
        ]
    if n > len(combos):
        raise ValueError(f"at most {len(combos)} pathways can be generated")
    chosen = rng.sample(combos, n)
    pathways: list[dict[str, Any]] = []
    for target, category, qual in chosen:
        name = target + qual
        pathways.append({"id": slugify(name), "name": name, "category": category})
    ids = [p["id"] for p in pathways]
    for p in pathways:
        if rng.random() < 0.5:
            others = [i for i in ids if i != p["id"]]
            p["related"] = rng.sample(others, min(len(others), rng.randint(1, 3)))
        if rng.random() < 0.8:
            p["summary"] = (
                f"{p['name'][0].upper()}{p['name'][1:]}: a {p['category']} mechanism proposed to "
                "mediate part of the rapid antidepressant response. Evidence comes mostly from "
                "rodent stress models; human data are scarce."
            )
    return pathways


def _format_person(rng: random.Random, latex: bool) -> tuple[str, str]:
    """One author as written in BibTeX, and the ASCII surname used for citation keys."""
    sur_latex, sur_utf8, sur_key = rng.choice(SURNAMES)
    first_latex, first_utf8 = rng.choice(FIRST_NAMES)
    sur = sur_latex if latex else sur_utf8
    first = first_latex if latex else first_utf8
    if " " in sur or rng.random() < 0.7:
        return f"{sur}, {first}", sur_key
    return f"{first} {sur}", sur_key


def _title(rng: random.Random, compound: str) -> str:
    """A realistic article title: protected words, LaTeX escapes and maths."""
    p1, p2 = rng.sample(PROTECTED, 2)
    tpl = rng.choice(TITLE_TEMPLATES)
    cap = compound[0].upper() + compound[1:]
    return (
        tpl.replace("{P1}", p1)
        .replace("{P2}", p2)
        .replace("{c}", compound)
        .replace("{C}", "{" + cap + "}")
    )


def _make_references(
    rng: random.Random, n: int, compound_names: Sequence[str]
) -> tuple[list[str], list[str]]:
    """``n`` BibTeX entries (as text) and their keys, in file order."""
    entries: list[str] = []
    keys: list[str] = []
    seen: dict[str, int] = {}
    for i in range(n):
        latex = rng.random() < 0.6
        if i % 20 == 7:
            n_auth = rng.randint(30, 60)
        else:
            n_auth = rng.choices([1, 2, 3, 5, 7, 10, 15], weights=[5, 10, 15, 25, 20, 15, 10])[0]
        people = [_format_person(rng, latex) for _ in range(n_auth)]
        year = rng.randint(1990, 2025)
        base = f"{people[0][1]}{year}"
        count = seen.get(base, 0)
        seen[base] = count + 1
        key = base if count == 0 else f"{base}{chr(ord('a') + count - 1)}"
        if count > 26:
            key = f"{base}_{count}"
        authors = " and ".join(p[0] for p in people)
        if rng.random() < 0.03:
            authors += " and others"
        kind = rng.choices(["article", "inproceedings", "book"], weights=[80, 12, 8])[0]
        comp = rng.choice(compound_names)
        fields: list[tuple[str, str]] = []
        if kind == "book":
            if rng.random() < 0.5:
                fields.append(("editor", authors))
            else:
                fields.append(("author", authors))
            fields.append(("title", rng.choice(BOOK_TITLES)))
            pub, addr = rng.choice(PUBLISHERS)
            fields += [("publisher", pub), ("address", addr), ("year", str(year))]
            if rng.random() < 0.5:
                fields.append(("edition", rng.choice(["2nd", "3rd", "Second"])))
            fields.append(("isbn", f"978-{rng.randint(0, 9)}-{rng.randint(100, 999)}-"
                                   f"{rng.randint(10000, 99999)}-{rng.randint(0, 9)}"))  # fmt: skip
        elif kind == "inproceedings":
            fields += [
                ("author", authors),
                ("title", _title(rng, comp)),
                ("booktitle", rng.choice(BOOKTITLES)),
                ("year", str(year)),
                ("pages", f"{rng.randint(1, 400)}--{rng.randint(401, 800)}"),
            ]
            if rng.random() < 0.5:
                pub, addr = rng.choice(PUBLISHERS)
                fields += [("publisher", pub), ("address", addr)]
        else:
            first_page = rng.randint(1, 9000)
            pages = (
                f"e{rng.randint(10000, 99999)}"
                if rng.random() < 0.15
                else f"{first_page}--{first_page + rng.randint(3, 25)}"
            )
            fields += [
                ("author", authors),
                ("title", _title(rng, comp)),
                ("journal", rng.choice(JOURNALS)),
                ("year", str(year)),
                ("volume", str(rng.randint(1, 120))),
                ("number", str(rng.randint(1, 12))),
                ("pages", pages),
            ]
            if rng.random() < 0.4:
                fields.append(("month", rng.choice(MONTHS)))
        if i % 12 != 5:  # a few entries have no DOI
            doi = f"10.{rng.randint(1000, 9999)}/{kind[:3]}.{year}.{rng.randint(10000, 99999)}"
            fields.append(("doi", doi))
        if kind == "article" and rng.random() < 0.25:
            fields.append(
                (
                    "abstract",
                    f"Background: {comp} produces rapid (< 24 h) antidepressant effects. "
                    r"Methods: we used a 2 $\times$ 2 design ($n$~=~48) and measured {BDNF} "
                    r"at 30~min, 2~h and 24~h. Results: levels rose by 35\% ($p < 0.01$). "
                    "Conclusions: données préliminaires, à confirmer.",
                )
            )
        if rng.random() < 0.2:
            fields.append(("keywords", "depression; glutamate; synaptic plasticity"))
        body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields)
        entries.append(f"@{kind}{{{key},\n{body}\n}}\n")
        keys.append(key)
    return entries, keys


def _finding(
    rng: random.Random, ev_type: str, species: str, compound: str, pathway: str, stance: str
) -> str:
    """An evidence finding in our own words, 1-3 sentences, with UTF-8 units."""
    pct = rng.randint(12, 85)
    n = rng.randint(6, 240)
    region = rng.choice(REGIONS)
    measure = rng.choice(MEASURES)
    direction = {"supports": "increased", "contradicts": "did not change", "mixed": "altered"}[
        stance
    ]
    if ev_type == "review":
        text = (
            f"A {rng.choice(['systematic review', 'meta-analysis'])} of {rng.randint(5, 40)} "
            f"studies (N = {rng.randint(200, 5000):,}) found that {compound} {direction} "
            f"{pathway} markers, with I² = {rng.randint(0, 90)}%."
        )
    elif ev_type == "clinical":
        text = (
            f"In {n} patients, {compound} (0.5 mg/kg i.v. over 40 min) {direction} "
            f"{measure} ({pathway}) in {region} by {pct}% vs placebo (p < 0.0{rng.randint(1, 5)})."
        )
    else:
        dose = (
            f"{rng.randint(1, 50)} μM"
            if ev_type == "in-vitro"
            else f"{rng.randint(1, 30)} mg/kg i.p."
        )
        text = (
            f"In {species.replace('-', ' ')} {ev_type} experiments, {compound} ({dose}) "
            f"{direction} {measure} ({pathway}) in {region} by {pct}% ± {rng.randint(2, 15)}% "
            f"(n = {n}; p < 0.0{rng.randint(1, 5)})."
        )
    if rng.random() < 0.5:
        text += f" The effect persisted for {rng.randint(1, 14)} days and was blocked by "
        text += f"pre-treatment with a {pathway} antagonist."
    if stance == "mixed":
        text += " Effects were seen in males only; females showed no change."
    return text


# What claims assert about their pairs, by share of claims (the rest: the default, through).
ASSERTS_WEIGHTS = {"default": 75, "not-through": 10, "other": 7, "per-pair": 8}
# Designs of clinical items (and "none": not recorded), by share.
DESIGN_WEIGHTS = {
    "randomised-controlled": 35,
    "controlled": 10,
    "open-label": 20,
    "observational": 20,
    "case-report": 5,
    "meta-analysis": 5,
    "none": 5,
}
_STATED_N = re.compile(r"\b(?:In|n = )(\d+)\b")


def _asserts(side: random.Random, cs: Sequence[str], ps: Sequence[str]) -> Any:
    """What a claim asserts about its pairs (None: the default), in ASSERTS_WEIGHTS shares.

    A per-pair rule names a strict part of the claim's compounds or pathways, as curators
    write one for a claim that a compound acts through one pathway instead of another.
    """
    kind = side.choices(list(ASSERTS_WEIGHTS), weights=list(ASSERTS_WEIGHTS.values()))[0]
    if kind == "per-pair" and (len(cs) > 1 or len(ps) > 1):
        relation = side.choice(["not-through", "other"])
        if len(ps) > 1 and (len(cs) == 1 or side.random() < 0.5):
            return [{"relation": relation, "pathways": [side.choice(list(ps))]}]
        return [{"relation": relation, "compounds": [side.choice(list(cs))]}]
    return kind if kind in ("not-through", "other") else None


def _study_facts(side: random.Random, ev: dict[str, Any]) -> None:
    """Design and sample size of a clinical item (size as its finding states it), and the
    size of half the in vivo ones."""
    stated = _STATED_N.search(ev["finding"])
    if ev["type"] == "clinical":
        design = side.choices(list(DESIGN_WEIGHTS), weights=list(DESIGN_WEIGHTS.values()))[0]
        if design != "none":
            ev["design"] = design
        if stated:
            ev["sample_size"] = int(stated.group(1))
    elif ev["type"] == "in-vivo" and stated and side.random() < 0.5:
        ev["sample_size"] = int(stated.group(1))


def _make_claims(
    rng: random.Random,
    n: int,
    compounds: list[dict[str, Any]],
    pathways: list[dict[str, Any]],
    keys: list[str],
    salt: str = "",
) -> list[dict[str, Any]]:
    """``n`` claims that together use every compound, pathway and reference.

    What a claim asserts and its clinical items' designs and sizes come from a generator
    of their own (seeded by ``salt`` and the claim's id), so adding them left every other
    byte of a corpus as it was.
    """
    comp_ids = [c["id"] for c in compounds]
    comp_name = {c["id"]: c["name"] for c in compounds}
    pw_ids = [p["id"] for p in pathways]
    pw_name = {p["id"]: p["name"] for p in pathways}
    # A shuffled rank order decides which items are hubs (cited/used most).
    comp_rank = rng.sample(comp_ids, len(comp_ids))
    pw_rank = rng.sample(pw_ids, len(pw_ids))
    key_rank = rng.sample(keys, len(keys))
    comp_cum, pw_cum, key_cum = (
        _weights(len(comp_rank)),
        _weights(len(pw_rank)),
        _weights(len(key_rank)),
    )
    # Coverage queues: the first uses of each item are forced, so nothing is left out.
    comp_queue = rng.sample(comp_ids, len(comp_ids))
    pw_queue = rng.sample(pw_ids, len(pw_ids))
    key_queue = rng.sample(keys, len(keys))
    # One reference in ten is a review: items read in one are second-hand (via), and a
    # finding whose study the review does not identify cites the review alone.
    reviews = set(keys[::10])

    claims: list[dict[str, Any]] = []
    used_ids: set[str] = set()
    n_evidence_total = 0
    for i in range(n):
        cs = _pick_distinct(
            rng,
            comp_rank,
            comp_cum,
            _count(rng, [6, 3, 1]),
            comp_queue[i] if i < len(comp_queue) else None,
        )
        ps = _pick_distinct(
            rng, pw_rank, pw_cum, _count(rng, [6, 3, 1]), pw_queue[i] if i < len(pw_queue) else None
        )
        verb, verb_slug = rng.choice(VERBS)
        context = rng.choice(CONTEXTS)
        cname = comp_name[cs[0]]
        statement = f"{cname[0].upper()}{cname[1:]} {verb} {pw_name[ps[0]]}"
        if len(cs) > 1:
            statement += f" (also shown for {', '.join(comp_name[c] for c in cs[1:])})"
        statement += f" {context}." if context else "."
        cid = slugify(f"{cs[0]}-{verb_slug}-{ps[0]}", 74)
        if cid in used_ids:
            suffix = 2
            while f"{cid}-{suffix}" in used_ids:
                suffix += 1
            cid = f"{cid}-{suffix}"
        used_ids.add(cid)
        bias = rng.choice([0.9, 0.7, 0.4])
        evidence: list[dict[str, Any]] = []
        for _ in range(_count(rng, [35, 30, 20, 15])):
            r = rng.random()
            stance = (
                "supports"
                if r < bias
                else ("contradicts" if r < bias + (1 - bias) * 0.6 else "mixed")
            )
            ev_type = rng.choices(list(TYPE_SPECIES), weights=[15, 15, 45, 15, 10])[0]
            species = rng.choice(TYPE_SPECIES[ev_type])
            model: dict[str, Any] = {"species": species}
            if rng.random() < 0.8:
                model["paradigm"] = rng.choice(PARADIGMS[species])
            first_key = key_queue[n_evidence_total] if n_evidence_total < len(key_queue) else None
            cites = _pick_distinct(rng, key_rank, key_cum, _count(rng, [6, 3, 1]), first_key)
            n_evidence_total += 1
            ev: dict[str, Any] = {
                "stance": stance,
                "finding": _finding(
                    rng,
                    ev_type,
                    species,
                    comp_name[rng.choice(cs)],
                    pw_name[rng.choice(ps)],
                    stance,
                ),
                "model": model,
                "type": ev_type,
            }
            if rng.random() < 0.5:
                ev["locator"] = rng.choice(
                    [f"Fig. {rng.randint(1, 8)}{'ABCDEF'[rng.randint(0, 5)]}",
                     f"Table {rng.randint(1, 4)}", f"p. {rng.randint(1, 900)}",
                     f"Supplementary Fig. S{rng.randint(1, 12)}"]
                )  # fmt: skip
            if ev_type == "review":
                ev["citations"] = cites
            else:
                studies = [k for k in cites if k not in reviews]
                via = [k for k in cites if k in reviews]
                if studies:
                    ev["citations"] = studies
                if via:
                    ev["via"] = via
            # What the item tested: a subset of the claim's compounds and pathways (all
            # of them, written out, for some), as curators narrow broad claims.
            if len(cs) > 1:
                ev["compounds"] = sorted(rng.sample(cs, rng.randint(1, len(cs))), key=cs.index)
            if len(ps) > 1:
                ev["pathways"] = sorted(rng.sample(ps, rng.randint(1, len(ps))), key=ps.index)
            if ev_type == "clinical" and rng.random() < 0.2:
                ev["indirect"] = "an efficacy trial: the mechanism was not tested"
            evidence.append(ev)
        side = random.Random(f"{salt}/{cid}")
        for ev in evidence:
            _study_facts(side, ev)
        claim: dict[str, Any] = {"id": cid, "statement": statement, "compounds": cs, "pathways": ps}
        asserts = _asserts(side, cs, ps)
        if asserts is not None:
            claim["asserts"] = asserts
        claim["evidence"] = evidence
        if rng.random() < 0.05:
            claim["certainty"] = {
                "grade": rng.choice(["high", "moderate", "low", "very-low"]),
                "reason": rng.choice(CERTAINTY_REASONS),
            }
        claims.append(claim)
    return claims


def generate(size: str, seed: int = 0) -> Corpus:
    """Build a corpus in memory (no files written)."""
    try:
        spec = SIZES[size]
    except KeyError:
        raise ValueError(f"unknown size {size!r}; choose from {', '.join(SIZES)}") from None
    rng = random.Random(f"evmap-bench/{size}/{seed}")
    compounds = _make_compounds(rng, spec.compounds)
    pathways = _make_pathways(rng, spec.pathways)
    entries, keys = _make_references(rng, spec.refs, [c["name"] for c in compounds])
    claims = _make_claims(
        rng, spec.claims, compounds, pathways, keys, f"evmap-bench/{size}/{seed}/study"
    )
    notes: list[dict[str, Any]] = []
    for i, key in enumerate(keys):
        entry: dict[str, Any] = {"key": key, "kind": "review" if i % 10 == 0 else "primary-study"}
        if i % 50 == 3:
            entry["notes"] = [
                {
                    "type": "conflict-of-interest",
                    "text": "An author holds a patent on a compound studied (from its disclosure).",
                }
            ]
        notes.append(entry)
    return Corpus(compounds, pathways, claims, entries, keys, notes)


# --------------------------------------------------------------------------- writing


def _dump_yaml(data: Any) -> str:
    """Deterministic block-style YAML (pure-Python dumper, key order kept, UTF-8 kept)."""
    text: str = yaml.dump(
        data,
        Dumper=yaml.SafeDumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )
    return text


def mkdocs_yml(site_name: str) -> str:
    """The mkdocs.yml of our (evmap) site for a generated corpus (evmap's own templates)."""
    return (
        f"site_name: {site_name}\n"
        "theme: {name: material, features: [navigation.prune]}\n"
        "plugins:\n"
        "  - search\n"
        "  - evmap:\n"
        "      content_dir: content\n"
        "      bibtex_file: references.bib\n"
    )


def _write(path: Path, text: str) -> int:
    """Write UTF-8 text with LF newlines; return the byte count."""
    data = text.encode("utf-8")
    path.write_bytes(data)
    return len(data)


def write_corpus(dest: Path, size: str, seed: int = 0) -> CorpusStats:
    """Write a complete evmap site directory for ``size`` (S, M or L) into ``dest``.

    ``content/``, ``docs/``, ``references.bib`` and ``mkdocs.yml`` under ``dest`` are
    replaced; nothing else in ``dest`` is touched.
    """
    corpus = generate(size, seed)  # raises ValueError for an unknown size
    spec = SIZES[size]
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    for sub in ("content", "docs"):
        if (dest / sub).exists():
            shutil.rmtree(dest / sub)
    comp_dir = dest / "content" / "compounds"
    pw_dir = dest / "content" / "pathways"
    claim_dir = dest / "content" / "claims"
    ref_dir = dest / "content" / "references"
    for d in (comp_dir, pw_dir, claim_dir, ref_dir, dest / "docs"):
        d.mkdir(parents=True)

    total = files = 0
    for comp in corpus.compounds:
        head = "# yaml-language-server: $schema=https://evmap.invalid/schema/compound.schema.json\n"
        total += _write(comp_dir / f"{comp['id']}.yml", head + _dump_yaml(comp))
        files += 1
    for pw in corpus.pathways:
        total += _write(pw_dir / f"{pw['id']}.yml", _dump_yaml(pw))
        files += 1
    per = spec.claims_per_file
    n_claim_files = 0
    for start in range(0, len(corpus.claims), per):
        n_claim_files += 1
        chunk = corpus.claims[start : start + per]
        total += _write(claim_dir / f"claims-{n_claim_files:03d}.yml", _dump_yaml(chunk))
        files += 1
    total += _write(ref_dir / "kinds.yml", _dump_yaml(corpus.reference_notes))
    files += 1
    bib_head = (
        f"% Synthetic bibliography for the evmap benchmark (size {size}, seed {seed}).\n"
        "% Generated by bench/corpus.py -- do not edit.\n\n"
    )
    total += _write(dest / "references.bib", bib_head + "\n".join(corpus.bib_entries))
    total += _write(dest / "mkdocs.yml", mkdocs_yml(f"Bench {size}"))
    files += 2

    n_ev = sum(len(c["evidence"]) for c in corpus.claims)
    n_cit = sum(
        len(e.get("citations", [])) + len(e.get("via", []))
        for c in corpus.claims
        for e in c["evidence"]
    )
    return CorpusStats(
        size=size,
        seed=seed,
        root=str(dest),
        claims=len(corpus.claims),
        references=len(corpus.bib_keys),
        pathways=len(corpus.pathways),
        compounds=len(corpus.compounds),
        evidence=n_ev,
        citations=n_cit,
        claim_files=n_claim_files,
        files=files,
        bytes=total,
        compound_ids=[c["id"] for c in corpus.compounds],
        pathway_ids=[p["id"] for p in corpus.pathways],
        reference_keys=list(corpus.bib_keys),
    )


# --------------------------------------------------------------------------- checking


def load_content(root: Path) -> tuple[list[Any], list[Any], list[Any]]:
    """Read compounds, pathways and claims (flattened) from ``root/content``."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    out: list[list[Any]] = []
    for sub in ("compounds", "pathways", "claims"):
        items: list[Any] = []
        for f in sorted((root / "content" / sub).glob("*.yml")):
            data = yaml.load(f.read_text(encoding="utf-8"), Loader=loader)
            items.extend(data if isinstance(data, list) else [data])
        out.append(items)
    return out[0], out[1], out[2]


def check_corpus(root: Path) -> list[str]:
    """Validate a written corpus against the schemas and the cross-reference rules.

    Returns a list of problems (empty when the corpus is sound).
    """
    import jsonschema
    from pybtex.database import parse_file

    problems: list[str] = []
    for sub, schema_name in (
        ("compounds", "compound"),
        ("pathways", "pathway"),
        ("claims", "claim"),
        ("references", "reference"),
    ):
        schema = json.loads((SCHEMA_DIR / f"{schema_name}.schema.json").read_text())
        validator = jsonschema.Draft202012Validator(schema)
        for f in sorted((root / "content" / sub).glob("*.yml")):
            data = yaml.safe_load(f.read_text(encoding="utf-8"))
            for err in validator.iter_errors(data):
                problems.append(f"{f}: {err.message[:200]}")
    compounds, pathways, claims = load_content(root)
    bib = parse_file(str(root / "references.bib"))
    keys = set(bib.entries.keys())
    comp_ids = {c["id"] for c in compounds}
    pw_ids = {p["id"] for p in pathways}
    parents = {c["id"]: c.get("parent") for c in compounds}
    for cid in comp_ids:
        seen = {cid}
        p = parents[cid]
        while p is not None:
            if p not in comp_ids:
                problems.append(f"compound {cid}: unknown parent {p}")
                break
            if p in seen:
                problems.append(f"compound {cid}: parent cycle")
                break
            seen.add(p)
            p = parents[p]
    for pw in pathways:
        problems += [
            f"pathway {pw['id']}: unknown related {r}"
            for r in pw.get("related", [])
            if r not in pw_ids
        ]
    claim_ids = [c["id"] for c in claims]
    if len(set(claim_ids)) != len(claim_ids):
        problems.append("duplicate claim ids")
    used_c: set[str] = set()
    used_p: set[str] = set()
    cited: set[str] = set()
    for c in claims:
        used_c.update(c.get("compounds", []))
        used_p.update(c["pathways"])
        for e in c["evidence"]:
            cited.update(e.get("citations", []))
            cited.update(e.get("via", []))
    problems += [f"unknown compound {x}" for x in sorted(used_c - comp_ids)]
    problems += [f"unknown pathway {x}" for x in sorted(used_p - pw_ids)]
    problems += [f"unknown citation {x}" for x in sorted(cited - keys)]
    problems += [f"unused compound {x}" for x in sorted(comp_ids - used_c)]
    problems += [f"unused pathway {x}" for x in sorted(pw_ids - used_p)]
    problems += [f"uncited reference {x}" for x in sorted(keys - cited)]
    for k in keys:
        if not re.fullmatch(r"[a-z0-9_-]+", k):
            problems.append(f"bad key {k}")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    """CLI: write a corpus, optionally check it."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--size", choices=sorted(SIZES), default="S")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--dest", type=Path, help="default: bench/out/<size>/corpus")
    ap.add_argument("--check", action="store_true", help="validate the written corpus")
    args = ap.parse_args(argv)
    dest = args.dest or REPO / "bench" / "out" / args.size / "corpus"
    stats = write_corpus(dest, args.size, args.seed)
    print(json.dumps(stats.summary(), indent=2))
    if args.check:
        problems = check_corpus(dest)
        for p in problems[:50]:
            print("PROBLEM:", p, file=sys.stderr)
        print(f"check: {len(problems)} problem(s)")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
