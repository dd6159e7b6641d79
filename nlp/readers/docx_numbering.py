"""Word's automatic numbering rendered as text, so "一、总体情况" keeps its 一、 when Word generated it.

A numbered paragraph stores only (numId, ilvl); the label comes from numbering.xml: the level's
start, number format and lvlText ("%1、", "（%1）", "%1.%2"). Counters run per list and reset the
deeper levels when a level advances, as Word does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from docx.oxml.ns import qn

__all__ = ["Numbering", "chinese_numeral"]

_DIGITS = "零一二三四五六七八九"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五 (up to 999, as lists go)."""
    if n <= 0 or n > 999:
        return str(n)
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    out = f"{_DIGITS[hundreds]}百" if hundreds else ""
    if tens:
        out += ("" if tens == 1 and not hundreds else _DIGITS[tens]) + "十"
    elif hundreds and ones:
        out += "零"
    return out + (_DIGITS[ones] if ones else "")


def _roman(n: int) -> str:
    values = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
              (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]  # fmt: skip
    out = ""
    for value, letters in values:
        count, n = divmod(n, value)
        out += letters * count
    return out


def _letter(n: int) -> str:
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)


_FORMATS: dict[str, Callable[[int], str]] = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "chineseCounting": chinese_numeral,
    "chineseCountingThousand": chinese_numeral,
    "chineseLegalSimplified": chinese_numeral,
    "ideographTraditional": lambda n: "甲乙丙丁戊己庚辛壬癸"[(n - 1) % 10],
    "taiwaneseCountingThousand": chinese_numeral,
    "decimalEnclosedCircle": lambda n: _CIRCLED[n - 1] if 0 < n <= len(_CIRCLED) else str(n),
    "decimalEnclosedCircleChinese": lambda n: _CIRCLED[n - 1] if 0 < n <= len(_CIRCLED) else str(n),
    "upperLetter": _letter,
    "lowerLetter": lambda n: _letter(n).lower(),
    "upperRoman": _roman,
    "lowerRoman": lambda n: _roman(n).lower(),
}


@dataclass(frozen=True)
class _Level:
    start: int
    fmt: str
    text: str


def _val(element: Any, tag: str) -> str | None:
    found = element.find(qn(tag)) if element is not None else None
    return found.get(qn("w:val")) if found is not None else None


def _levels(abstract: Any) -> dict[int, _Level]:
    levels = {}
    for lvl in abstract.findall(qn("w:lvl")):
        start = _val(lvl, "w:start")
        levels[int(lvl.get(qn("w:ilvl"), "0"))] = _Level(
            start=int(start) if start and start.lstrip("-").isdigit() else 1,
            fmt=_val(lvl, "w:numFmt") or "decimal",
            text=_val(lvl, "w:lvlText") or "",
        )
    return levels


@dataclass
class Numbering:
    """The document's lists; `label(p)` is the number Word would print before paragraph p."""

    lists: dict[str, tuple[str, dict[int, _Level]]] = field(
        default_factory=dict
    )  # numId → (abstract id, levels)
    style_num: dict[str, tuple[str, int]] = field(default_factory=dict)  # styleId → (numId, ilvl)
    counters: dict[str, dict[int, int]] = field(default_factory=dict)  # abstract id → level → count

    @classmethod
    def of(cls, document: Any) -> Numbering:
        numbering = cls()
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return numbering
        abstracts = {a.get(qn("w:abstractNumId")): _levels(a) for a in root.findall(qn("w:abstractNum"))}
        for num in root.findall(qn("w:num")):
            abstract_id = _val(num, "w:abstractNumId") or ""
            numbering.lists[num.get(qn("w:numId"), "")] = (abstract_id, abstracts.get(abstract_id, {}))
        numbering.style_num = _style_numbering(document)
        return numbering

    def _num_pr(self, p: Any) -> tuple[str, int] | None:
        p_pr = p.find(qn("w:pPr"))
        num_pr = p_pr.find(qn("w:numPr")) if p_pr is not None else None
        if num_pr is not None:
            num_id, ilvl = _val(num_pr, "w:numId"), _val(num_pr, "w:ilvl")
            return (num_id, int(ilvl) if ilvl and ilvl.isdigit() else 0) if num_id else None
        style = _val(p_pr, "w:pStyle") if p_pr is not None else None
        return self.style_num.get(style) if style else None

    def label(self, p: Any) -> str:
        found = self._num_pr(p)
        if found is None or found[0] == "0" or found[0] not in self.lists:
            return ""
        abstract_id, levels = self.lists[found[0]]
        ilvl = found[1]
        level = levels.get(ilvl)
        if level is None or level.fmt in ("bullet", "none"):
            return ""
        counts = self.counters.setdefault(abstract_id, {})
        counts[ilvl] = counts.get(ilvl, level.start - 1) + 1
        for deeper in [k for k in counts if k > ilvl]:
            del counts[deeper]
        return _render(level.text, counts, levels)


def _render(text: str, counts: dict[int, int], levels: dict[int, _Level]) -> str:
    out = text
    for ilvl, level in levels.items():
        placeholder = f"%{ilvl + 1}"
        if placeholder in out:
            value = counts.get(ilvl, level.start)
            out = out.replace(placeholder, _FORMATS.get(level.fmt, str)(value))
    return out


def _style_numbering(document: Any) -> dict[str, tuple[str, int]]:
    """Paragraph styles that carry numbering themselves (heading styles often do)."""
    found: dict[str, tuple[str, int]] = {}
    for style in document.styles.element.findall(qn("w:style")):
        p_pr = style.find(qn("w:pPr"))
        num_pr = p_pr.find(qn("w:numPr")) if p_pr is not None else None
        num_id = _val(num_pr, "w:numId") if num_pr is not None else None
        if num_id:
            ilvl = _val(num_pr, "w:ilvl")
            found[style.get(qn("w:styleId"), "")] = (num_id, int(ilvl) if ilvl and ilvl.isdigit() else 0)
    return found
