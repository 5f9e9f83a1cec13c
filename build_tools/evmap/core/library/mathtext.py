"""Math in references, as text: pandoc's MathML made into italics, sub- and superscripts.

pandoc's plain HTML math cannot show ``$\\surd b_1$`` or ``$\\frac{1}{2}$``: it leaves
the TeX source in the page. With ``--mathml`` pandoc converts all the TeX math it
reads; evmap then writes each formula with the inline markup its pages allow
(``<em>``, ``<sub>``, ``<sup>``): ``√<em>b</em><sub>1</sub>``, ``1/2``. The TeX
source pandoc adds as an annotation is dropped, so no backslash reaches a page.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from lxml import etree

__all__ = ["math_as_text"]

_MATH = re.compile(r"<math\b[^>]*>.*?</math>", re.DOTALL)
_NS = "{http://www.w3.org/1998/Math/MathML}"
# A formula deeper than this is not one a reference title holds: its text is shown.
_MAX_DEPTH = 64


def math_as_text(fragment: str) -> str:
    """``fragment`` (pandoc's HTML) with each ``<math>`` element written as inline markup."""
    if "<math" not in fragment:
        return fragment
    return _MATH.sub(lambda m: _formula(m.group()), fragment)


def _formula(markup: str) -> str:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        element = etree.fromstring(markup, parser)
    except etree.XMLSyntaxError:
        return html.escape(re.sub(r"<[^>]*>", "", markup), quote=False)
    return _write(element, 0)


def _text(element: etree._Element) -> str:
    return html.escape("".join(element.itertext()), quote=False)


def _write(element: etree._Element, depth: int) -> str:
    """One MathML element as inline HTML."""
    if not isinstance(element.tag, str):
        return ""  # a comment or processing instruction
    tag = element.tag.removeprefix(_NS)
    if depth > _MAX_DEPTH:
        return _text(element)
    writer = _WRITERS.get(tag)
    if writer is not None:
        return writer(element, depth)
    return "".join(_write(child, depth + 1) for child in element)


def _children(element: etree._Element, depth: int) -> list[str]:
    return [_write(child, depth + 1) for child in element if isinstance(child.tag, str)]


def _identifier(element: etree._Element, depth: int) -> str:
    text = _text(element)
    single = len("".join(element.itertext())) == 1
    if single and element.get("mathvariant") in (None, "italic"):
        return f"<em>{text}</em>"  # a variable, italic as in print
    return text


def _scripts(element: etree._Element, depth: int) -> str:
    parts = [*_children(element, depth), "", "", ""]
    tag = element.tag.removeprefix(_NS)
    base, first, second = parts[0], parts[1], parts[2]
    if tag in ("msub", "munder"):
        return f"{base}<sub>{first}</sub>"
    if tag in ("msup", "mover"):
        return f"{base}<sup>{first}</sup>"
    return f"{base}<sub>{first}</sub><sup>{second}</sup>"


def _grouped(part: str) -> str:
    """``part`` in parentheses when it is more than one symbol."""
    plain = re.sub(r"<[^>]*>", "", html.unescape(part))
    return part if len(plain) <= 1 else f"({part})"


def _fraction(element: etree._Element, depth: int) -> str:
    parts = [*_children(element, depth), "", ""]
    return f"{_grouped(parts[0])}/{_grouped(parts[1])}"


def _root(element: etree._Element, depth: int) -> str:
    parts = _children(element, depth)
    if element.tag.removeprefix(_NS) == "mroot" and len(parts) == 2:
        return f"<sup>{parts[1]}</sup>√{_grouped(parts[0])}"
    return "√" + _grouped("".join(parts))


def _fenced(element: etree._Element, depth: int) -> str:
    separator = str(element.get("separators", ","))[:1]
    opened, closed = str(element.get("open", "(")), str(element.get("close", ")"))
    inner = separator.join(_children(element, depth))
    return html.escape(opened, quote=False) + inner + html.escape(closed, quote=False)


def _table(element: etree._Element, depth: int) -> str:
    rows = [
        ", ".join(_children(row, depth + 1))
        for row in element
        if isinstance(row.tag, str) and row.tag.removeprefix(_NS) in ("mtr", "mlabeledtr")
    ]
    return "; ".join(rows)


_WRITERS: dict[str, Callable[[etree._Element, int], str]] = {
    "annotation": lambda element, depth: "",
    "annotation-xml": lambda element, depth: "",
    "mi": _identifier,
    "mn": lambda element, depth: _text(element),
    "mo": lambda element, depth: _text(element),
    "mtext": lambda element, depth: _text(element),
    "ms": lambda element, depth: _text(element),
    "mspace": lambda element, depth: " ",
    "msub": _scripts,
    "msup": _scripts,
    "msubsup": _scripts,
    "munder": _scripts,
    "mover": _scripts,
    "munderover": _scripts,
    "mfrac": _fraction,
    "msqrt": _root,
    "mroot": _root,
    "mfenced": _fenced,
    "mtable": _table,
}
