"""Section splitting: a report's lines become its sections 一…六 and their passages.

Headings are found by their wording (configs/sections.yaml), not by their numbering, because real
reports drop ordinals, renumber, end headings with 。 or run them into a paragraph. A section whose
heading is missing is inferred from its content (SECTION_INFERRED) where the content says clearly what
it is — （一）主动公开… for 一, table-3 row labels for 三, 存在…问题 for 五 — otherwise it is
reported missing (SECTION_MISSING). Headings repeated or out of template order are kept where first
seen and reported (SECTION_OUT_OF_ORDER).

Passages: section 五 is cut into its items (一是… （一）… 1. …), each a problem or an improvement; the
turn from problems to improvements is a cue (下一步, 针对以上问题, 今后, （二）改进措施 …), or numbering
that restarts at 一. A lead-in that only introduces a list ("主要表现在：", "下一步，我们将：") and a
group heading ("（一）存在的主要问题") become passages of kind "other", so every character of the
section stays covered. Other sections give one passage per paragraph; 二/三/四 skip table content.

A crawler's header block (nlp.header: 标题:, 发布时间:, 原文链接: … ==== 正文 ====) is metadata, not
report: it stays in the preamble's text, but no heading is looked for in it and it gives no passage, so
its URLs and folder names are never searched as narrative.

Paragraphs are reflowed, so a passage is whole sentences: a line that stops without ending its
sentence runs on into the next — across page numbers and page breaks — unless it is short (a heading,
a signature, a date) or the next line opens an item; in a hard-wrapped dump that marks its paragraphs'
first lines (an indent, a blank line before), a full line runs on even after 。. A text printing each
paragraph on one line (the seeds) keeps its lines as they are.

Spans are character offsets into "\\n".join(lines) with 1-based lines, from a passage's first line to
its last; its text is those lines joined (nothing between Chinese characters, a space between Latin
words, page furniture dropped), so for a paragraph printed on one line
`text == full_text[span.start:span.end]`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from typing import Any, Literal

from nlp.config import load_yaml
from nlp.errors import ErrorCode, problem
from nlp.header import header_end
from nlp.lines import LineGeometry, line_offsets
from nlp.metadata import find_title
from nlp.numerals import chinese_number, counts_something
from nlp.schema import Passage, PassageKind, Problem, Section, SectionKey

__all__ = [
    "SECTION_ORDER",
    "SectionsResult",
    "heading_prefix",
    "split_passages",
    "split_sections",
]

SECTION_ORDER: tuple[SectionKey, ...] = (
    "overview",
    "active_disclosure",
    "applications",
    "review_litigation",
    "problems_improvements",
    "other_matters",
)
_TABLE_SECTIONS: frozenset[SectionKey] = frozenset({"active_disclosure", "applications", "review_litigation"})
_SPACE = re.compile(r"[\s\u3000\xa0]")
_SENTENCE_END = "。！!？?"
_HALF_WIDTH = re.compile("[\x00-\u2e7f]")
# Marks inside a sentence: a line holding one is prose, not a title or a heading.
_CLAUSE_MARK = re.compile(r"[，,；;：:。！!？?]")
# A line ending on a comma stops mid-clause: no paragraph ends there. (Not 、: a short line ending
# 、 is rather an ordinal, 三、 of a label printed down the side.)
_MID_CLAUSE = re.compile(r"[，,]$")
_CLOSERS = "”’」』）)》"
# Share of paragraph starts that must be marked (indented, or after a blank line) for the mark to count.
_MARKED_SHARE = 0.8
# A line can hold a heading only if it is short (a bare title) or has an ordinal: skip the others fast.
_HEADING_HINT = re.compile(r"^\s*[一二三四五六七八九十]|[一二三四五六七八九十]\s*[、.．]")


@dataclass(frozen=True)
class SectionsResult:
    sections: list[Section]
    problems: list[Problem]


# --- configuration ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _SectionRule:
    key: SectionKey
    ordinal: str
    canonical: str


@dataclass(frozen=True)
class _Rules:
    sections: tuple[_SectionRule, ...]
    start_re: re.Pattern[str]
    inline_re: re.Pattern[str]
    max_bare: int
    infer: dict[str, tuple[re.Pattern[str], ...]]
    infer_table_rows_only: frozenset[str]
    markers: tuple[tuple[str, re.Pattern[str]], ...]
    marker_after: re.Pattern[str]
    improvement_cue: re.Pattern[str]
    problem_group: re.Pattern[str]
    improvement_group: re.Pattern[str]
    list_intro: re.Pattern[str]
    max_group_chars: int
    noise: re.Pattern[str]
    terminal: re.Pattern[str]
    wrap_ratio: float
    min_wrap_width: float
    table_words: re.Pattern[str]


def _alternation(patterns: Sequence[str]) -> str:
    return "|".join(f"(?:{p})" for p in patterns)


def _heading_patterns(entries: Sequence[dict[str, Any]], cfg: dict[str, Any]) -> tuple[str, str]:
    """The line-start and inline heading regexes: one named group per section key."""
    titles = "|".join(f"(?P<{e['key']}>{_alternation(e['titles'])})" for e in entries)
    ordinal, tail = cfg["ordinal"], cfg["heading_tail"]
    strict_ordinal = "(?P<ordinal>[一二三四五六七八九十]{1,2})[、.．]"
    start = f"^(?:{ordinal})?(?:{titles})(?P<tail>{tail})"
    inline = f"(?<={cfg['inline_after']}){strict_ordinal}(?:{titles})(?P<tail>{tail})"
    return start, inline


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    cfg = load_yaml("sections.yaml")
    entries = cfg["sections"]
    start, inline = _heading_patterns(entries, cfg)
    passages, paragraphs = cfg["passages"], cfg["paragraphs"]
    return _Rules(
        sections=tuple(_SectionRule(e["key"], e["ordinal"], e["canonical"]) for e in entries),
        start_re=re.compile(start),
        inline_re=re.compile(inline),
        max_bare=int(cfg["max_bare_heading_chars"]),
        infer={k: tuple(re.compile(p) for p in v) for k, v in cfg["infer"].items()},
        infer_table_rows_only=frozenset(cfg["infer_table_rows_only"]),
        markers=tuple((m["family"], re.compile(m["pattern"])) for m in passages["markers"]),
        marker_after=re.compile(passages["marker_after"]),
        improvement_cue=re.compile(f"^(?:{_alternation(passages['improvement_cues'])})"),
        problem_group=re.compile(passages["problem_group"]),
        improvement_group=re.compile(passages["improvement_group"]),
        list_intro=re.compile(passages["list_intro"]),
        max_group_chars=int(passages["max_group_chars"]),
        noise=re.compile(_alternation(paragraphs["noise"])),
        terminal=re.compile(paragraphs["terminal"]),
        wrap_ratio=float(paragraphs["wrap_ratio"]),
        min_wrap_width=float(paragraphs["min_wrap_width"]),
        table_words=re.compile(f"^(?:{_alternation([re.escape(w) for w in paragraphs['table_words']])})+$"),
    )


def _compact(text: str) -> tuple[str, list[int]]:
    """`text` without white space, and for each kept character its offset in `text`."""
    if not _SPACE.search(text):
        return text, list(range(len(text)))
    index = [i for i, ch in enumerate(text) if not ch.isspace()]
    return "".join(text[i] for i in index), index


def _is_table_row(raw: str) -> bool:
    return "\t" in raw or bool(re.search(r"\d\s*$", raw))


# --- headings --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Heading:
    key: SectionKey
    ordinal: str | None
    title: str
    start: int  # offset of the heading (or of the content, when inferred)
    end: int  # offset just past the heading
    inferred: bool = False


def _matched_key(match: re.Match[str]) -> SectionKey | None:
    return next((k for k in SECTION_ORDER if match.group(k) is not None), None)


def _heading_from_match(
    match: re.Match[str], *, raw: str, index: list[int], base: int, inline: bool
) -> _Heading | None:
    key = _matched_key(match)
    if key is None:
        return None
    title_start = match.start(key)
    title_end = match.end(key)
    start = index[match.start()]
    end = index[match.end() - 1] + 1
    title = raw[index[title_start] : index[title_end - 1] + 1]
    ordinal = match.group("ordinal")
    if not inline and ordinal is None and not _bare_heading_ok(match, index):
        return None
    return _Heading(key=key, ordinal=ordinal, title=title, start=base + start, end=base + end)


def _bare_heading_ok(match: re.Match[str], index: list[int]) -> bool:
    """A heading without ordinal must be the whole line, and short."""
    return match.end() == len(index) and len(index) <= _rules().max_bare


def _headings_in_line(raw: str, *, base: int) -> list[_Heading]:
    if "\t" in raw:
        return []  # a table row, however its label reads
    if len(raw) > 2 * _rules().max_bare and not _HEADING_HINT.search(raw):
        return []
    compact, index = _compact(raw)
    if not compact:
        return []
    rules = _rules()
    found: list[_Heading] = []
    start_match = rules.start_re.match(compact)
    if start_match:
        heading = _heading_from_match(start_match, raw=raw, index=index, base=base, inline=False)
        if heading:
            found.append(heading)
    for match in rules.inline_re.finditer(compact):
        heading = _heading_from_match(match, raw=raw, index=index, base=base, inline=True)
        if heading and all(h.start != heading.start for h in found):
            found.append(heading)
    return found


def _find_headings(lines: Sequence[str]) -> list[_Heading]:
    found: list[_Heading] = []
    for raw, offset in zip(lines, line_offsets(lines), strict=True):
        found.extend(_headings_in_line(raw, base=offset))
    return sorted(found, key=lambda h: h.start)


def _canonical_index(key: SectionKey) -> int:
    return SECTION_ORDER.index(key)


def _keep_first(
    headings: Sequence[_Heading], geometry: LineGeometry, source: str | None
) -> tuple[list[_Heading], list[Problem]]:
    """One heading per section: the first; a repeat is reported and left in the text."""
    kept: dict[SectionKey, _Heading] = {}
    problems: list[Problem] = []
    for h in headings:
        if h.key in kept:
            problems.append(
                problem(
                    ErrorCode.SECTION_OUT_OF_ORDER,
                    f"heading of section {h.key} repeated; the first, at line "
                    f"{geometry.line_of(kept[h.key].start)}, is kept",
                    source=source,
                    line=geometry.line_of(h.start),
                    detail={"key": h.key, "title": h.title},
                )
            )
        else:
            kept[h.key] = h
    return sorted(kept.values(), key=lambda h: h.start), problems


def _order_problems(
    headings: Sequence[_Heading], geometry: LineGeometry, source: str | None
) -> list[Problem]:
    """Headings out of template order, or numbered otherwise than the template (renumbered outlines)."""
    ordinals = {r.key: r.ordinal for r in _rules().sections}
    problems: list[Problem] = []
    highest = -1
    for h in headings:
        reasons = []
        if _canonical_index(h.key) < highest:
            reasons.append("comes after a later section of the template")
        if h.ordinal and h.ordinal != ordinals[h.key]:
            reasons.append(f"is numbered {h.ordinal}, the template numbers it {ordinals[h.key]}")
        highest = max(highest, _canonical_index(h.key))
        if reasons and not h.inferred:
            problems.append(
                problem(
                    ErrorCode.SECTION_OUT_OF_ORDER,
                    f"section {h.key} ({h.title}) " + " and ".join(reasons),
                    source=source,
                    line=geometry.line_of(h.start),
                    detail={"key": h.key, "ordinal": h.ordinal, "expected_ordinal": ordinals[h.key]},
                )
            )
    return problems


# --- inferring missing headings --------------------------------------------------------------------


def _region(key: SectionKey, found: Sequence[_Heading], text_len: int) -> tuple[int, int]:
    """Where a missing section must lie: after the heading of the section before it, before the next."""
    index = _canonical_index(key)
    before = [h.end for h in found if _canonical_index(h.key) < index]
    after = [h.start for h in found if _canonical_index(h.key) > index]
    return (max(before) if before else 0, min(after) if after else text_len)


def _infer_heading(
    key: SectionKey, lines: Sequence[str], found: Sequence[_Heading], text_len: int
) -> _Heading | None:
    rules = _rules()
    patterns = rules.infer.get(key, ())
    if not patterns:
        return None
    low, high = _region(key, found, text_len)
    for raw, line_start in zip(lines, line_offsets(lines), strict=True):
        if line_start < low or line_start >= high:
            continue
        compact, index = _compact(raw)
        if not compact or (key in rules.infer_table_rows_only and not _is_table_row(raw)):
            continue
        if any(p.search(compact) for p in patterns):
            canonical = next(r.canonical for r in rules.sections if r.key == key)
            start = line_start + index[0]
            return _Heading(key=key, ordinal=None, title=canonical, start=start, end=start, inferred=True)
    return None


def _infer_missing(
    lines: Sequence[str], found: list[_Heading], *, text_len: int, geometry: LineGeometry, source: str | None
) -> tuple[list[_Heading], list[Problem]]:
    headings = list(found)
    problems: list[Problem] = []
    for key in SECTION_ORDER:
        if any(h.key == key for h in headings):
            continue
        inferred = _infer_heading(key, lines, headings, text_len)
        if inferred is None:
            problems.append(
                problem(
                    ErrorCode.SECTION_MISSING, f"section {key} not found", source=source, detail={"key": key}
                )
            )
            continue
        headings = sorted([*headings, inferred], key=lambda h: h.start)
        problems.append(
            problem(
                ErrorCode.SECTION_INFERRED,
                f"heading of section {key} missing; the section was inferred from its content",
                source=source,
                line=geometry.line_of(inferred.start),
                detail={"key": key},
            )
        )
    return headings, problems


# --- building the sections -------------------------------------------------------------------------


def _trimmed_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def _skip_space(text: str, start: int, end: int) -> int:
    while start < end and text[start].isspace():
        start += 1
    return start


def _section(
    text: str,
    geometry: LineGeometry,
    *,
    heading: _Heading | None,
    start: int,
    end: int,
    title: str,
    narrative_start: int = 0,
    document: _Document | None = None,
) -> Section:
    """The section text[start:end]; its passages come only from what lies after `narrative_start`."""
    end = _trimmed_end(text, start, end)
    body_start = _skip_space(text, heading.end if heading else start, end)
    key: SectionKey = heading.key if heading else "preamble"
    body = text[body_start:end] if body_start < end else ""
    prose_start = _skip_space(text, max(body_start, narrative_start), end)
    prose = text[prose_start:end] if prose_start < end else ""
    return Section(
        key=key,
        ordinal=heading.ordinal if heading else None,
        title=title,
        header_inferred=bool(heading and heading.inferred),
        text=body,
        span=geometry.span(start, max(end, start)),
        passages=split_passages(
            prose, key=key, offset=prose_start, first_line=geometry.line_of(prose_start), document=document
        ),
    )


def _preamble(
    text: str, geometry: LineGeometry, end: int, *, narrative_start: int, document: _Document
) -> Section | None:
    start = _skip_space(text, 0, end)
    if start >= _trimmed_end(text, start, end):
        return None
    return _section(
        text,
        geometry,
        heading=None,
        start=start,
        end=end,
        title=find_title(text[start:end].split("\n")) or "",
        narrative_start=narrative_start,
        document=document,
    )


def split_sections(
    lines: Sequence[str],
    *,
    source: str | None = None,
    furniture: frozenset[int] = frozenset(),
    blank_line_paragraphs: bool = False,
) -> SectionsResult:
    """The report's sections in document order (a preamble first when text precedes 一), with problems.
    The lines numbered in `furniture` (running headers) are skipped inside paragraphs, as page numbers are.
    `blank_line_paragraphs`: the format's grammar sets paragraphs apart by blank lines (markdown: lines
    with no blank line between them are one paragraph), which says how to read a text too short to show it."""
    text = "\n".join(lines)
    geometry = LineGeometry.of(text)
    crawler = header_end(lines)
    scan = _without_header(lines, crawler)
    index = frozenset(n - 1 for n in furniture)
    layout = _layout(_prose_lines("\n".join(scan), skip_tables=True, furniture=index))
    if blank_line_paragraphs and not layout.learned:
        layout = _Layout(layout.full, "blank", learned=True)
    document = _Document(furniture, layout)
    found, repeat_problems = _keep_first(_find_headings(scan), geometry, source)
    headings, infer_problems = _infer_missing(
        scan, found, text_len=len(text), geometry=geometry, source=source
    )
    problems = [*repeat_problems, *_order_problems(headings, geometry, source), *infer_problems]
    sections: list[Section] = []
    narrative_start = min(len(text), sum(len(raw) + 1 for raw in lines[:crawler]))
    preamble = _preamble(
        text,
        geometry,
        headings[0].start if headings else len(text),
        narrative_start=narrative_start,
        document=document,
    )
    if preamble:
        sections.append(preamble)
    for i, h in enumerate(headings):
        end = headings[i + 1].start if i + 1 < len(headings) else len(text)
        sections.append(
            _section(text, geometry, heading=h, start=h.start, end=end, title=h.title, document=document)
        )
    return SectionsResult(sections=sections, problems=sorted(problems, key=lambda p: p.line or 0))


def _without_header(lines: Sequence[str], end: int) -> list[str]:
    """`lines` with the first `end` (the crawler's header) blanked to spaces of the same length: offsets
    into "\\n".join(lines) still hold, and no heading is found in a title such as 标题: …存在的主要问题….
    """
    return [" " * len(raw) if i < end else raw for i, raw in enumerate(lines)]


# --- paragraphs ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Para:
    """A paragraph: its lines joined (no line breaks, no page furniture) and each character's offset."""

    text: str
    offsets: tuple[int, ...]


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _joint(previous: str, current: str) -> str:
    """What stands between two lines of one paragraph: nothing in Chinese, where a line break is no
    space (答\n复 is 答复), but a space between Latin words or numbers, which would otherwise merge."""
    return " " if _latin(previous[-1:]) and _latin(current[:1]) else ""


@dataclass
class _ParaLines:
    """A paragraph being gathered line by line: its text and, per character, its offset in the body."""

    parts: list[str] = field(default_factory=list)
    offsets: list[int] = field(default_factory=list)

    def add(self, line: str, *, start: int) -> None:
        joint = _joint(self.parts[-1], line) if self.parts else ""
        if joint:
            self.parts.append(joint)
            self.offsets.append(start - 1)  # the line break the space stands for
        self.parts.append(line)
        self.offsets.extend(range(start, start + len(line)))

    def para(self) -> _Para:
        return _Para("".join(self.parts), tuple(self.offsets))


def _line_kinds(
    raw_lines: Sequence[str], *, skip_tables: bool, furniture: frozenset[int] = frozenset()
) -> list[str]:
    """blank | noise | table | text for each line (`furniture`: 0-based indexes of running headers);
    blank lines around page furniture are furniture."""
    rules = _rules()
    kinds = []
    for index, raw in enumerate(raw_lines):
        compact = _SPACE.sub("", raw)
        if not compact:
            kinds.append("blank")
        elif index in furniture or rules.noise.search(compact):
            kinds.append("noise")
        elif skip_tables and _is_table_content(raw, compact):
            kinds.append("table")
        else:
            kinds.append("text")
    return _absorb_blanks_near_noise(kinds)


def _absorb_blanks_near_noise(kinds: list[str]) -> list[str]:
    """A blank line whose nearest non-blank line before or after is noise is noise too (two passes, one
    each way: linear in the lines)."""
    out = list(kinds)
    before: str | None = None  # the nearest non-blank kind above the current line
    near_noise = [False] * len(kinds)
    for i, kind in enumerate(kinds):
        if kind == "blank":
            near_noise[i] = before == "noise"
        else:
            before = kind
    after: str | None = None
    for i in range(len(kinds) - 1, -1, -1):
        kind = kinds[i]
        if kind == "blank":
            if near_noise[i] or after == "noise":
                out[i] = "noise"
        else:
            after = kind
    return out


def _is_table_content(raw: str, compact: str) -> bool:
    if "\t" in raw or re.fullmatch(r"[\d.,，%+\-—–/]+", compact):
        return True
    if re.search(r"\S\s+[-+]?[\d][\d.,]*\s*$", raw):  # a PDF row: label then numbers
        return True
    return bool(_rules().table_words.match(compact))


def _width(line: str) -> float:
    """Printed width in full-width characters: digits, Latin letters and spaces are half as wide."""
    return len(line) - 0.5 * len(_HALF_WIDTH.findall(line))


@dataclass(frozen=True)
class _Line:
    """A line of prose of a section body, without its indentation."""

    text: str
    start: int  # offset of its first kept character in the body
    indented: bool
    after_break: bool  # a blank line or a table row lies between it and the prose line before


def _prose_lines(text: str, *, skip_tables: bool, furniture: frozenset[int] = frozenset()) -> list[_Line]:
    raw_lines = text.split("\n")
    kinds = _line_kinds(raw_lines, skip_tables=skip_tables, furniture=furniture)
    lines: list[_Line] = []
    broken = True
    for raw, kind, line_start in zip(raw_lines, kinds, line_offsets(raw_lines), strict=True):
        if kind in ("blank", "table"):
            broken = True
        elif kind == "text":  # noise (page furniture) is skipped without breaking the paragraph
            # any white space, not only the usual four: "。\u2002" at a line end still ends the sentence
            lead = len(raw) - len(raw.lstrip())
            lines.append(_Line(raw.strip(), line_start + lead, _indented(raw), broken))
            broken = False
    return lines


def _indented(raw: str) -> bool:
    return raw.startswith(("\u3000", "\t", "  ", "\xa0\xa0"))


def _wrap_width(lines: Sequence[_Line]) -> float:
    """The width hard-wrapped lines run to: the 75th percentile (headings and last lines are shorter)."""
    widths = sorted(_width(line.text) for line in lines)
    if not widths:
        return 0.0
    return float(widths[min(len(widths) - 1, (len(widths) * 3) // 4)])


_ParagraphMark = Literal["indent", "blank"]


@dataclass(frozen=True)
class _Document:
    """What the whole document says about each section's lines: its running headers (document line
    numbers, skipped like page numbers) and how its prose is laid out, for a section too short to tell
    (two sentences of section 五 say nothing of how a converter marks its paragraphs)."""

    furniture: frozenset[int] = frozenset()
    layout: _Layout | None = None


@dataclass(frozen=True)
class _Layout:
    """How a section body is laid out: from what width a line is full (it was wrapped, not ended),
    and what marks a paragraph's first line in a hard-wrapped text (an indent, or a blank line before
    it), where a full line may end a sentence without ending its paragraph."""

    full: float
    starts: _ParagraphMark | None = None
    learned: bool = False  # enough wraps and paragraph ends were seen to tell how paragraphs start

    def is_full(self, line: _Line) -> bool:
        return _width(line.text) >= self.full

    def opens(self, line: _Line) -> bool:
        """Whether the text marks `line` as a paragraph's first line."""
        return line.after_break or (self.starts == "indent" and line.indented)


def _layout(lines: Sequence[_Line], *, marked_share: float = _MARKED_SHARE) -> _Layout:
    rules = _rules()
    full = max(rules.wrap_ratio * _wrap_width(lines), rules.min_wrap_width)
    pairs = list(pairwise(lines))
    # hard wraps: full lines that stop mid-sentence and go on in the next line (none in a text that
    # prints each paragraph on one line, whatever its blank lines and indents)
    wraps = [b for a, b in pairs if not b.after_break and _width(a.text) >= full and not _ends(a)]
    # a short line ending a sentence surely ends its paragraph: how the line after it looks is the mark
    firsts = [b for a, b in pairs if _ends(a) and _width(a.text) < full]
    learned = len(wraps) >= 2 and bool(firsts)
    return _Layout(full, _paragraph_mark(wraps, firsts, share=marked_share), learned)


def _paragraph_mark(
    wraps: Sequence[_Line], firsts: Sequence[_Line], *, share: float
) -> _ParagraphMark | None:
    """How a hard-wrapped text marks its paragraphs' first lines (`firsts`, found after short
    sentence ends), if it does so consistently; `wraps` are lines that surely continue a paragraph."""
    if len(wraps) < 2 or not firsts:
        return None  # not hard-wrapped, or nothing to learn from
    if _share(firsts, lambda line: line.after_break) >= share:
        return "blank"
    if (
        _share(firsts, lambda line: line.indented) >= share
        and _share(wraps, lambda line: line.indented) <= 1 - share
    ):
        return "indent"
    return None


def _share(lines: Sequence[_Line], test: Callable[[_Line], bool]) -> float:
    return sum(1 for line in lines if test(line)) / len(lines) if lines else 0.0


def _ends(line: _Line) -> bool:
    """Whether the line ends a sentence (a closing quote or bracket may follow the 。: 。” ends one)."""
    return bool(_rules().terminal.search(line.text.rstrip(_CLOSERS)))


def _starts_item(stripped: str) -> bool:
    return any(p.match(stripped) for _, p in _rules().markers)


def _continues(previous: _Line, current: _Line, *, layout: _Layout) -> bool:
    """Whether `current` continues the paragraph whose last line is `previous`: a line that stops
    without ending its sentence runs on into the next, unless it is short (a heading, a signature, a
    date) or the next line is marked as a paragraph's first or opens an item."""
    if layout.opens(current):
        return False
    if layout.starts is not None and layout.is_full(previous):
        return True  # the text marks where paragraphs start: an unmarked line after a full one is a wrap
    if _ends(previous) or _starts_item(current.text):
        return False
    if _MID_CLAUSE.search(previous.text):
        return True  # however short, it visibly runs on
    if _width(previous.text) < _rules().min_wrap_width:
        return False
    # As wide as the text's usual line, it is a hard wrap whatever it holds. Narrower, it still runs on
    # when it is prose (clause marks inside, or a counted number: 行政处罚4964件、行政强制84件 is narrow by
    # its digits): a PDF reader may cut a paragraph anywhere, and where the other paragraphs are one line
    # each "the usual width" says nothing; titles and headings hold no clause marks and count nothing.
    prose = bool(_CLAUSE_MARK.search(previous.text)) or counts_something(previous.text)
    return layout.is_full(previous) or prose


def _paragraphs(
    text: str, *, skip_tables: bool, furniture: frozenset[int] = frozenset(), fallback: _Layout | None = None
) -> list[_Para]:
    """`fallback`: the layout to read the lines by when they are too few to tell their own."""
    lines = _prose_lines(text, skip_tables=skip_tables, furniture=furniture)
    layout = _layout(lines)
    if not layout.learned and fallback is not None and fallback.learned:
        layout = fallback
    paras: list[_ParaLines] = []
    for i, line in enumerate(lines):
        if i == 0 or not _continues(lines[i - 1], line, layout=layout):
            paras.append(_ParaLines())
        paras[-1].add(line.text, start=line.start)
    return [p.para() for p in paras]


def _has_sentence(text: str) -> bool:
    return any(ch in text for ch in _SENTENCE_END + "，,；;")


# --- passages --------------------------------------------------------------------------------------


def split_passages(
    text: str,
    *,
    key: SectionKey | None,
    offset: int,
    first_line: int,
    document: _Document | None = None,
) -> list[Passage]:
    """The passages of one section's body `text`, which starts at char `offset` on line `first_line`
    (`document`: what the whole document says of its lines).

    Section 五 gives its problems and improvements one by one; other sections one passage per paragraph
    (in 二/三/四 only paragraphs of prose: table rows and header words are skipped; in the preamble the
    title lines are skipped).
    """
    geometry = LineGeometry.of(text, first_line=first_line)
    document = document or _Document()
    skipped = frozenset(n - first_line for n in document.furniture if n >= first_line)
    paras = _paragraphs(text, skip_tables=key in _TABLE_SECTIONS, furniture=skipped, fallback=document.layout)
    if key == "problems_improvements":
        pieces = _five_pieces(paras)
    else:
        needs_prose = key in _TABLE_SECTIONS or key == "preamble"
        pieces = [
            _Piece(p, 0, len(p.text), "other", None) for p in paras if not needs_prose or _prose(p, key)
        ]
    return [piece.passage(geometry, base=offset) for piece in pieces if piece.text]


def _prose(para: _Para, key: SectionKey | None) -> bool:
    if key == "preamble":
        return _has_sentence(para.text)
    return any(ch in para.text for ch in _SENTENCE_END)


@dataclass(frozen=True)
class _Piece:
    para: _Para
    start: int
    end: int
    kind: PassageKind
    marker: str | None

    @property
    def text(self) -> str:
        return self.para.text[self.start : self.end].strip(" \t\u3000\xa0")

    def passage(self, geometry: LineGeometry, *, base: int) -> Passage:
        raw = self.para.text[self.start : self.end]
        lead = len(raw) - len(raw.lstrip(" \t\u3000\xa0"))
        first = self.para.offsets[self.start + lead]
        last = self.para.offsets[self.start + lead + len(self.text) - 1]
        return Passage(
            kind=self.kind, marker=self.marker, text=self.text, span=geometry.span(first, last + 1, base=base)
        )


# --- section 五 ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Cut:
    """Where an item starts inside a paragraph: its marker (None for the paragraph's unmarked start)."""

    pos: int
    marker: str | None
    value: int | None
    group: PassageKind | None  # a group heading: （一）存在的主要问题 → problem, （二）改进措施 → improvement


def _marker_value(marker: str) -> int | None:
    digits = re.search(r"[1-9１-９][0-9０-９]?", marker)
    if digits:
        return int(digits.group(0).translate(str.maketrans("１２３４５６７８９０", "1234567890")))
    numeral = re.search(r"[一二三四五六七八九十]{1,3}", marker)
    return chinese_number(numeral.group(0)) if numeral else None


def _family_markers(text: str, pattern: re.Pattern[str]) -> list[re.Match[str]]:
    after = _rules().marker_after
    return [m for m in pattern.finditer(text) if m.start() == 0 or after.match(text[m.start() - 1])]


# Where the text after an item's marker stops being a group heading's.
_GROUP_HEAD_END = re.compile(r"(?<=[。：:])|(?=[一二三四五六七八九十]是)|(?<=\S)[ \u3000]")


def _group_head(text: str, start: int, limit: int) -> str | None:
    """The text from `start` to the first _GROUP_HEAD_END after it, white space removed; None when it
    is surely longer than `limit`. Read through a window that grows, not a copy of the rest of the
    paragraph per marker: a split inside the window (short of its last character, which a lookahead
    may need the next one for) is the split in the whole text; none there means the head holds the
    window's text but its last character."""
    window = 4 * limit + 64
    while True:
        rest = text[start : start + window]
        parts = _GROUP_HEAD_END.split(rest, maxsplit=1)
        if start + window >= len(text) or (len(parts) == 2 and len(parts[0]) < len(rest)):
            return _SPACE.sub("", parts[0])
        if len(_SPACE.sub("", rest[:-1])) > limit:
            return None
        window *= 2


def _group_kind(text: str, match: re.Match[str]) -> PassageKind | None:
    """The kind a group heading announces, when the item that `match` starts is one."""
    rules = _rules()
    head = _group_head(text, match.end(), rules.max_group_chars)
    if not head or len(head) > rules.max_group_chars:
        return None
    if rules.problem_group.match(head):
        return "problem"
    if rules.improvement_group.match(head):
        return "improvement"
    return None


def _main_family(paras: Sequence[_Para]) -> str | None:
    """The numbering scheme of the items: the family with most markers that are not group headings."""
    best: tuple[int, str | None] = (0, None)
    for family, pattern in _rules().markers:
        count = sum(
            1 for p in paras for m in _family_markers(p.text, pattern) if _group_kind(p.text, m) is None
        )
        if count > best[0]:
            best = (count, family)
    return best[1]


def _cuts(para: _Para, family: str | None) -> list[_Cut]:
    cuts: dict[int, _Cut] = {}
    for name, pattern in _rules().markers:
        for m in _family_markers(para.text, pattern):
            group = _group_kind(para.text, m)
            if name == family or group is not None:
                cuts[m.start()] = _Cut(m.start(), m.group(0), _marker_value(m.group(0)), group)
    if 0 not in cuts:
        cuts[0] = _Cut(0, None, None, None)
    return [cuts[k] for k in sorted(cuts)]


def _cue_at(text: str, start: int) -> bool:
    return bool(_rules().improvement_cue.match(_SPACE.sub("", text[start : start + 40])))


@dataclass
class _Phase:
    kind: PassageKind = "problem"
    highest: int = 0  # highest item number seen among problems


def _five_pieces(paras: Sequence[_Para]) -> list[_Piece]:
    family = _main_family(paras)
    phase = _Phase()
    pieces: list[_Piece] = []
    for para in paras:
        cuts = _cuts(para, family)
        for i, cut in enumerate(cuts):
            end = cuts[i + 1].pos if i + 1 < len(cuts) else len(para.text)
            following = cuts[i + 1] if i + 1 < len(cuts) else None
            pieces.extend(_cut_pieces(para, cut, end, following, phase))
    return pieces


def _cut_pieces(para: _Para, cut: _Cut, end: int, following: _Cut | None, phase: _Phase) -> list[_Piece]:
    if cut.group is not None:
        phase.kind = cut.group
        split = _group_heading_end(para.text, cut, end)
        if split is None:
            return [_Piece(para, cut.pos, end, "other", cut.marker)]
        # （一）存在问题：重点领域信息公开精细化不足…: the group's own text follows its heading on the line
        return [_Piece(para, cut.pos, split, "other", cut.marker), _Piece(para, split, end, cut.group, None)]
    if cut.marker is not None:
        return _item_pieces(para, cut, end, following, phase)
    return _lead_pieces(para, cut.pos, end, following, phase)


def _group_heading_end(text: str, cut: _Cut, end: int) -> int | None:
    """Where a group heading's colon ends it, when a sentence of the group's own follows before `end`."""
    start = cut.pos + len(cut.marker or "")
    colon = re.search(r"[：:]", text[start:end])
    if colon is None:
        return None
    split = start + colon.end()
    rest = text[split:end].strip()
    ends_sentence = any(ch in _SENTENCE_END for ch in rest)
    return split if ends_sentence and not _rules().list_intro.search(rest) else None


def _item_pieces(para: _Para, cut: _Cut, end: int, following: _Cut | None, phase: _Phase) -> list[_Piece]:
    """A numbered item; numbering restarting at 1 after problems means the improvements began. A cue
    sentence ending the last problem ("三是…。下一步，我们将…") starts the improvements."""
    value = cut.value or 0
    if phase.kind == "problem" and value == 1 and phase.highest >= 2:
        phase.kind = "improvement"
    if phase.kind != "problem":
        return [_Piece(para, cut.pos, end, phase.kind, cut.marker)]
    phase.highest = max(phase.highest, value)
    restart_next = following is not None and following.value == 1 and following.group is None
    last_item = following is None or restart_next
    split_at = _first_cue(para.text, cut.pos + len(cut.marker or ""), end) if last_item else None
    if split_at is None:
        return [_Piece(para, cut.pos, end, "problem", cut.marker)]
    phase.kind = "improvement"
    tail_kind: PassageKind = "other" if restart_next else "improvement"
    return [
        _Piece(para, cut.pos, split_at, "problem", cut.marker),
        _Piece(para, split_at, end, tail_kind, None),
    ]


def _first_cue(text: str, start: int, end: int) -> int | None:
    return next((s for s in _sentence_starts_between(text, start, end) if _cue_at(text, s)), None)


def _sentence_starts_between(text: str, start: int, end: int) -> Iterator[int]:
    """The sentence starts s of `text` (0, and each position after a sentence end but the text's
    end) with start <= s < end, in order: only [start, end) is read, not the whole paragraph per item."""
    if start <= 0 < end:
        yield 0
    for i in range(max(start - 1, 0), min(end - 1, len(text) - 1)):
        if text[i] in _SENTENCE_END:
            yield i + 1


def _lead_pieces(para: _Para, start: int, end: int, following: _Cut | None, phase: _Phase) -> list[_Piece]:
    """Unmarked text: prose, a cue turning to improvements, a lead-in to a list, or a ；-list."""
    bounds = [start]
    if phase.kind == "problem":
        cue = _first_cue(para.text, start, end)
        if cue is not None and cue > start:
            bounds.append(cue)
    pieces: list[_Piece] = []
    for i, lo in enumerate(bounds):
        hi = bounds[i + 1] if i + 1 < len(bounds) else end
        if phase.kind == "problem" and _cue_at(para.text, lo):
            phase.kind = "improvement"
        last = i == len(bounds) - 1
        introduces = following is not None and following.group is None  # not so before a group heading
        if last and (introduces or _SPACE.sub("", para.text[lo:hi]).endswith(("：", ":"))):
            pieces.append(_Piece(para, lo, hi, "other", None))  # it introduces the items after it
        else:
            pieces.extend(_semicolon_list(para, lo, hi, phase.kind))
    return pieces


def _semicolon_list(para: _Para, start: int, end: int, kind: PassageKind) -> list[_Piece]:
    """ "主要表现在：甲；乙；丙。" → a lead-in (other) and one passage per ；-separated item."""
    text = para.text[start:end]
    intro = next(
        (
            m
            for m in re.finditer(r"[：:]", text)
            if _rules().list_intro.search(_SPACE.sub("", text[: m.end()]))
        ),
        None,
    )
    if intro is None or not re.search(r"[；;]", text[intro.end() :]):
        return [_Piece(para, start, end, kind, None)]
    pieces = [_Piece(para, start, start + intro.end(), "other", None)]
    lo = start + intro.end()
    for m in re.finditer(r"[；;]", text[intro.end() :]):
        hi = start + intro.end() + m.end()
        pieces.append(_Piece(para, lo, hi, kind, None))
        lo = hi
    if para.text[lo:end].strip():
        pieces.append(_Piece(para, lo, end, kind, None))
    return pieces


def heading_prefix(text: str) -> tuple[SectionKey, int] | None:
    """The section whose numbered heading opens `text`, and where the heading ends (an offset into
    `text`): lets the row-recovery step of a one-line body put each heading on a line of its own."""
    compact, index = _compact(text)
    match = _rules().start_re.match(compact) if compact else None
    key = _matched_key(match) if match else None
    if match is None or key is None or match.group("ordinal") is None:
        return None
    return key, index[match.end() - 1] + 1
