"""Text side of plan comparison: normalising a passage so small edits vanish, scoring two passages,
and the shared text shown as evidence. Pure functions of strings and the config.

A neighbour that copies a plan changes the body's name, the year, 我县 into 我区, the item markers and
the punctuation; a body that copies itself from last year changes the year. Normalisation removes
exactly those differences and nothing else, so what is left to score is the wording itself.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

from nlp.compare.config import CompareConfig
from nlp.schema import Report

__all__ = [
    "PLACEHOLDER",
    "body_names",
    "is_stock",
    "issuing_body",
    "light_normalise",
    "normalise_passage",
    "score_normalised",
    "shared_text",
    "strip_marker",
]

PLACEHOLDER = "@"
_DIGITS = re.compile(r"[0-9]+(?:[.,][0-9]+)*")
_CN_YEAR = re.compile(r"[〇零○一二三四五六七八九]{4}(?=年)")
_NOT_WORD = re.compile(rf"[^\w#{PLACEHOLDER}]|_")


def light_normalise(text: str) -> str:
    """NFKC and no white space: the form evidence is shown in (still readable)."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def strip_marker(text: str, *, config: CompareConfig) -> str:
    """The text without its leading item marker (一是 / （一） / 1. / 第一，)."""
    return config.marker.sub("", text, count=1)


def _short_forms(name: str, *, suffixes: Sequence[str]) -> list[str]:
    forms = [name]
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            forms.append(name[: -len(suffix)])
            break
    return forms


def issuing_body(report: Report) -> str | None:
    """The body that issued `report`: the one metadata read, else the report's own field."""
    return report.meta.issuing_body or report.issuing_body


def body_names(report: Report, *, config: CompareConfig) -> tuple[str, ...]:
    """Names a report uses for itself — its body, province, city, county and their short forms — longest
    first, so that 灵丘县人民政府办公室 is replaced whole before 灵丘县 and 灵丘."""
    region = report.meta.region
    body = issuing_body(report)
    raw = [light_normalise(n) for n in (body, region.province, region.city, region.county) if n]
    names = {form for name in raw for form in _short_forms(name, suffixes=config.place_suffixes)}
    return tuple(sorted((n for n in names if len(n) >= 2), key=len, reverse=True))


def _replace_names(text: str, names: Iterable[str]) -> str:
    for name in names:
        text = text.replace(name, PLACEHOLDER)
    return text


def normalise_passage(text: str, *, names: Sequence[str] = (), config: CompareConfig) -> str:
    """The passage as compared: no marker, digits and years → #, own names and 县/区 words → @, no
    punctuation or spaces. Names must be light-normalised (see `body_names`)."""
    text = strip_marker(light_normalise(text), config=config)
    text = _replace_names(text, names)
    text = _CN_YEAR.sub("#", _DIGITS.sub("#", text))
    for pattern in config.admin_units:
        text = pattern.sub(PLACEHOLDER, text)
    return _NOT_WORD.sub("", text)


def is_stock(normalised: str, *, config: CompareConfig) -> bool:
    """True when the passage is little more than stock phrases (what is left is under min_chars)."""
    rest = normalised
    for phrase in config.stock_phrases:
        rest = rest.replace(phrase, "")
    return len(rest) < config.min_chars and rest != normalised


def score_normalised(a: str, b: str) -> float:
    """Similarity 0–100 of two normalised passages: rapidfuzz's ratio (1 − normalised Indel distance),
    which a one-word edit in a long passage barely moves and a different sentence drops far."""
    return float(fuzz.ratio(a, b))


def shared_text(a: str, b: str, *, min_run: int = 4) -> str:
    """The runs of `a` that `b` repeats (an optimal alignment's matching blocks of at least `min_run`
    characters, in order), joined by …; the evidence printed with a match. Aligned after NFKC (，= ,)
    but shown as `a` printed them, white space removed."""
    shown = "".join(a.split())
    aligned_a, aligned_b = light_normalise(a), light_normalise(b)
    source = shown if len(shown) == len(aligned_a) else aligned_a
    blocks = Indel.opcodes(aligned_a, aligned_b).as_matching_blocks()
    return "…".join(source[m.a : m.a + m.size] for m in blocks if m.size >= min_run)
