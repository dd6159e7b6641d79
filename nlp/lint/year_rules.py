"""C-YEAR: prose that names a report year other than the report's own.

Two kinds of sentence state the year a report covers: the report naming itself (编制完成2022年度政府信息公开
工作年度报告, 现公布某局2020年信息公开工作年度报告) and the statistics period (本报告所列数据的统计期限自
2022年1月1日起至2022年12月31日止). A year there that is not the report's is the classic sign of a narrative
copied from another year's report (fujian_pingtan_lvyouwenti_2022: 编制完成2023年度…).

The check is only as good as the year it compares with. nlp.metadata reads the report's year from the title,
else from the statistics period, else as the year the text names most: the last two are read from the very
sentences checked here, so a report whose year came from them is not checked (circular). Only a year printed
in the title (a crawler's 标题 line or the report's own title line) is trusted, and every finding says which.

`year_mentions` and `year_findings` are pure (text and year in, mentions or findings out); the patterns
come from configs/rules.yaml (`report_year`) unless given. `report_year_findings` applies them to a Report.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from nlp.errors import ErrorCode, GovReportError
from nlp.header import read_header
from nlp.lines import LineGeometry
from nlp.lint.catalogue import lint_config, make_finding
from nlp.schema import Finding, Report, Section

__all__ = [
    "RULE",
    "YearMention",
    "YearPattern",
    "YearPatterns",
    "YearSource",
    "load_year_patterns",
    "mentions_in_report",
    "report_year_findings",
    "report_year_source",
    "year_findings",
    "year_mentions",
]

RULE = "C-YEAR"
MentionKind = Literal["self_naming", "period"]
_KINDS: tuple[MentionKind, ...] = ("self_naming", "period")
_SPACE = re.compile(r"\s")
_WIDE_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_CN_DIGITS = str.maketrans("〇○零一二三四五六七八九", "00012345678" + "9")
_SENTENCE_END = re.compile(r"[。；！？!?]")
_YEAR_WORD = re.compile(r"((?:19|20)[0-9]{2}|[〇○零一二][〇○零一二三四五六七八九]{3})年")
# A year in a title, 年 or not after it (2021—2022年度 names two).
_TITLE_YEAR = re.compile(
    r"(?<![0-9])((?:19|20)[0-9]{2})(?![0-9])|([〇○零一二][〇○零一二三四五六七八九]{3})年"
)
_PLACEHOLDER = re.compile(r"\$\{(\w+)\}")
_KIND_ZH = {"self_naming": "报告自称的年度", "period": "统计期限"}


@dataclass(frozen=True)
class YearPattern:
    """One kind of sentence that states the report's year, and where it is looked for."""

    kind: MentionKind
    regex: re.Pattern[str]
    sections: frozenset[str] = frozenset()  # empty: every section


@dataclass(frozen=True)
class YearPatterns:
    patterns: tuple[YearPattern, ...]
    cited_before: re.Pattern[str]  # the text before a year that makes it a cited document's


@dataclass(frozen=True)
class YearMention:
    """A sentence stating the report's year: the phrase that states it, the years printed in it, and where
    (offsets into the text given to `year_mentions`, ends exclusive)."""

    kind: MentionKind
    phrase: str  # white space removed
    sentence: str  # white space removed
    years: tuple[int, ...]
    start: int
    end: int
    year_spans: tuple[tuple[int, int], ...]  # each printed year word (2023 of 2023年), in the phrase


@dataclass(frozen=True)
class YearSource:
    """The report's year and where it was read: `title` (the report's title line) or `crawler_header` (a
    crawler's 标题: line), with the text it was read from."""

    year: int
    source: Literal["title", "crawler_header"]
    evidence: str


def _year_value(word: str) -> int:
    return int(word.translate(_CN_DIGITS))


# --- configuration ---------------------------------------------------------------------------------


def _invalid(message: str) -> GovReportError:
    return GovReportError(ErrorCode.CONFIG_INVALID, f"rules.yaml report_year: {message}")


def _compile(regex: object, blocks: dict[str, str], where: str) -> re.Pattern[str]:
    if not isinstance(regex, str):
        raise _invalid(f"{where} needs a regex")

    def block(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in blocks:
            raise _invalid(f"{where}: no block {name}")
        return f"(?:{blocks[name]})"

    try:
        return re.compile(_PLACEHOLDER.sub(block, regex))
    except re.error as exc:
        raise _invalid(f"{where}: {exc}") from exc


@lru_cache(maxsize=1)
def load_year_patterns() -> YearPatterns:
    """configs/rules.yaml `report_year`, compiled once."""
    cfg = lint_config().get("report_year")
    if not isinstance(cfg, dict) or not isinstance(cfg.get("patterns"), list):
        raise _invalid("a mapping with a list of patterns is needed")
    blocks = {str(k): str(v) for k, v in (cfg.get("blocks") or {}).items()}
    patterns = []
    for i, entry in enumerate(cfg["patterns"]):
        if not isinstance(entry, dict) or entry.get("kind") not in _KINDS:
            raise _invalid(f"pattern {i} needs kind self_naming or period")
        patterns.append(
            YearPattern(
                kind=entry["kind"],
                regex=_compile(entry.get("regex"), blocks, f"pattern {i}"),
                sections=frozenset(map(str, entry.get("sections") or ())),
            )
        )
    cited = _compile(cfg.get("cited_before", "$^"), blocks, "cited_before")
    return YearPatterns(patterns=tuple(patterns), cited_before=cited)


# --- the pure core ---------------------------------------------------------------------------------


def _compact(text: str) -> tuple[str, list[int]]:
    """`text` without white space, full-width digits made ASCII, and where each character was."""
    kept = [(i, ch) for i, ch in enumerate(text.translate(_WIDE_DIGITS)) if not _SPACE.match(ch)]
    return "".join(ch for _, ch in kept), [i for i, _ in kept]


def _sentences(text: str, *, cut: Collection[str] = ()) -> list[tuple[int, int]]:
    """[start, end) of each sentence of `text`; each occurrence of a `cut` string is left out and ends
    the sentence before it (the title printed above the first sentence, with no full stop after it)."""
    ends = [(m.end(), m.end()) for m in _SENTENCE_END.finditer(text)]
    for word in filter(None, cut):
        ends += [(m.start(), m.start() + len(word)) for m in re.finditer(re.escape(word), text)]
    bounds, start = [], 0
    for end, resume in sorted(ends):
        if end > start:
            bounds.append((start, end))
        start = max(start, resume)
    if start < len(text):
        bounds.append((start, len(text)))
    return bounds


def _printed_years(match: re.Match[str]) -> list[tuple[int, int, int]]:
    """(year, start, end) of each year the match states: its `year` groups, else every ${year}年 in it."""
    named = [name for name in match.re.groupindex if name.startswith("year") and match.group(name)]
    if named:
        return sorted((_year_value(match.group(n)), match.start(n), match.end(n)) for n in named)
    return [
        (_year_value(m.group(1)), match.start() + m.start(1), match.start() + m.end(1))
        for m in _YEAR_WORD.finditer(match.group(0))
    ]


def year_mentions(
    text: str,
    *,
    section: str | None = None,
    patterns: YearPatterns | None = None,
    kinds: Collection[MentionKind] = _KINDS,
    cut: Collection[str] = (),
) -> list[YearMention]:
    """Every sentence of `text` that states the report's year. `section` is the key of the section the
    text is from: a pattern limited to some sections is tried only there. `cut`: text that is no part
    of any sentence (compared without white space), such as the title the year was read from. Offsets point
    into `text`."""
    found = patterns or load_year_patterns()
    compact, where = _compact(text)
    mentions: list[YearMention] = []
    seen: set[tuple[int, int]] = set()
    for lo, hi in _sentences(compact, cut=[_compact(word)[0] for word in cut]):
        sentence = compact[lo:hi]
        for pattern in found.patterns:
            if pattern.kind not in kinds or (pattern.sections and section not in pattern.sections):
                continue
            for match in pattern.regex.finditer(sentence):
                years = _printed_years(match)
                if not years:
                    continue
                if found.cited_before.search(sentence[: years[0][1]]):
                    continue  # 《关于做好2022年…年度报告…的通知》: another document's title
                start, end = lo + match.start(), lo + match.end()
                if (start, end) in seen:
                    continue
                seen.add((start, end))
                mentions.append(
                    YearMention(
                        kind=pattern.kind,
                        phrase=match.group(0),
                        sentence=sentence,
                        years=tuple(y for y, _, _ in years),
                        start=where[start],
                        end=where[end - 1] + 1,
                        year_spans=tuple((s - match.start(), e - match.start()) for _, s, e in years),
                    )
                )
    return sorted(mentions, key=lambda m: (m.start, m.end))


def _corrected(mention: YearMention, year: int) -> str:
    """The phrase with every year printed in it that is not `year` replaced by it."""
    phrase, shift = mention.phrase, 0
    for (start, end), printed in zip(mention.year_spans, mention.years, strict=True):
        if printed != year:
            phrase = phrase[: start + shift] + str(year) + phrase[end + shift :]
            shift += len(str(year)) - (end - start)
    return phrase


_SOURCE_ZH = {"title": "报告标题", "crawler_header": "采集页头"}


def _finding(
    mention: YearMention,
    year: int,
    *,
    geometry: LineGeometry,
    offset: int,
    year_source: str,
    year_evidence: str,
    source: str | None,
) -> Finding:
    wrong = sorted({y for y in mention.years if y != year})
    printed_zh = "、".join(f"{y}年" for y in wrong)
    printed_en = ", ".join(map(str, wrong))
    where_zh = _SOURCE_ZH.get(year_source, year_source)
    evidence = f"「{year_evidence}」" if year_evidence else ""
    if mention.kind == "self_naming":
        said_zh = f"正文称本报告为{printed_zh}度报告"
        said_en = f"The prose names this report as the {printed_en} report"
    else:
        said_zh = f"正文所述统计期限涉及{printed_zh}"
        said_en = f"The prose's statistics period names {printed_en}"
    return make_finding(
        RULE,
        message_zh=f"{said_zh}，而{where_zh}{evidence}表明报告年度为{year}年：疑为沿用其他年度报告的文字。",
        message_en=f"{said_en}, but the report's year is {year} by its {year_source.replace('_', ' ')} "
        f"({year_evidence!r}): a narrative copied from another year's report?",
        source=source,
        span=geometry.span(mention.start, mention.end, base=offset),
        text=mention.sentence,
        correction=f"若标题的年度无误，应为「{_corrected(mention, year)}」",
        detail={
            "kind": mention.kind,
            "kind_zh": _KIND_ZH[mention.kind],
            "phrase": mention.phrase,
            "printed_years": list(mention.years),
            "report_year": year,
            "year_source": year_source,
            "year_evidence": year_evidence,
        },
    )


def year_findings(
    text: str,
    year: int,
    *,
    year_source: str = "title",
    year_evidence: str = "",
    section: str | None = None,
    offset: int = 0,
    first_line: int = 1,
    source: str | None = None,
    patterns: YearPatterns | None = None,
    kinds: Collection[MentionKind] = _KINDS,
    cut: Collection[str] = (),
) -> list[Finding]:
    """A C-YEAR finding for each sentence of `text` stating a year other than `year`. `year_source` and
    `year_evidence` say where `year` was read (they go into the finding); spans are `offset` + the position
    in `text`, lines count from `first_line`; `section`, `patterns`, `kinds` and `cut` as for
    year_mentions. Give only a year read independently of the sentences checked (from `cut` text at most)."""
    geometry = LineGeometry.of(text, first_line=first_line)
    return [
        _finding(
            mention,
            year,
            geometry=geometry,
            offset=offset,
            year_source=year_source,
            year_evidence=year_evidence,
            source=source,
        )
        for mention in year_mentions(text, section=section, patterns=patterns, kinds=kinds, cut=cut)
        if any(printed != year for printed in mention.years)
    ]


# --- on a report -----------------------------------------------------------------------------------


def report_year_source(report: Report) -> YearSource | None:
    """The report's year when it was read from its title, naming one year only; None when metadata took it
    from the prose (the statistics period, the year named most), which the rule must not check against."""
    title = report.title
    if report.year is None or not title or report.meta.evidence.get("year") != title:
        return None
    years = {_year_value(m.group(1) or m.group(2)) for m in _TITLE_YEAR.finditer(_compact(title)[0])}
    if years != {report.year}:
        return None  # a title naming two years (2020—2021年度) does not say which one the prose must name
    preamble = report.section("preamble")
    header = read_header(preamble.text.split("\n")) if preamble is not None else None
    if header is not None and header.value("title") == title:
        return YearSource(report.year, "crawler_header", header.line("title"))
    return YearSource(report.year, "title", title)


def _body(section: Section) -> tuple[str, int, int]:
    """The section's body, its offset and first line, without a crawler's header lines (the body is the last
    len(text) characters of the section's span, as nlp.claims reads it)."""
    text = section.text
    start = max(section.span.start, section.span.end - len(text))
    line = max(section.span.line, section.span.end_line - text[:-1].count("\n"))
    lines = text.split("\n")
    header = read_header(lines) if section.key == "preamble" else None
    if header is not None and header.end:
        skipped = sum(len(raw) + 1 for raw in lines[: header.end])
        return text[skipped:], start + skipped, line + header.end
    return text, start, line


def report_year_findings(report: Report, *, patterns: YearPatterns | None = None) -> list[Finding]:
    """C-YEAR on every section of the report, against the year of its title (none when the year was not
    read from the title). The title, wherever the text prints it, is cut out of the sentences: it is where
    the year was read, not a sentence to check against itself."""
    known = report_year_source(report)
    if known is None or report.title is None:
        return []
    found: list[Finding] = []
    for section in report.sections:
        text, offset, first_line = _body(section)
        found += year_findings(
            text,
            known.year,
            year_source=known.source,
            year_evidence=known.evidence,
            section=section.key,
            offset=offset,
            first_line=first_line,
            source=report.source,
            patterns=patterns,
            cut=(report.title,),
        )
    return found


def mentions_in_report(report: Report, *, patterns: YearPatterns | None = None) -> Sequence[YearMention]:
    """Every year-stating sentence of the report's sections, checked or not (for measurement; offsets
    into each section's body)."""
    cut = (report.title,) if report.title else ()
    return [
        mention
        for section in report.sections
        for mention in year_mentions(_body(section)[0], section=section.key, patterns=patterns, cut=cut)
    ]
