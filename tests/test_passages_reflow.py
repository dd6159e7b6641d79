"""Passages are whole paragraphs of whole sentences however the text was cut into lines: PDF lines
wrapped at the margin or cut by the reader (across a page break, the page furniture between already
removed), pdfplumber's plain text with its page numbers, and text dumps hard-wrapped at ~40 characters.
A passage's text is its lines joined; its span covers those lines and its page is that of its first."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import pytest

from nlp.extract import extract_document, extract_path, extract_text
from nlp.readers import read_path
from nlp.schema import Passage, Report, Section, SourceDocument, SourceLine
from nlp.sections import split_passages, split_sections

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "samples" / "real"
SEEDS = sorted((ROOT / "samples" / "seeds").glob("*.txt"), key=lambda p: p.name)
FIXTURES = ROOT / "tests" / "fixtures" / "sections"
PDFS = ["hongze_2023", "huaian_gov_2024"]

_FINAL = "。！？!?；;：:"  # ；： end an item or a lead-in to a list, as 。 ends a paragraph
_CLOSERS = "”’」』）)》"
_CLAUSE = re.compile(r"[，,；;：:。！!？?]")
_ASCII_RUN = re.compile(r"[A-Za-z0-9.%@:/\-]+|.", re.S)


@cache
def _report(name: str) -> Report:
    return extract_path(REAL / f"{name}.pdf")


def _passages(sections: Sequence[Section]) -> list[Passage]:
    return [p for s in sections for p in s.passages]


def _ends_sentence(text: str) -> bool:
    return text.rstrip(_CLOSERS)[-1:] in _FINAL


def _heading(text: str) -> bool:
    """A heading, a signature or a date: a short line without clause marks (the paragraph ends there)."""
    return len(text) <= 21 and not _CLAUSE.search(text)


def _squash(text: str) -> str:
    return re.sub(r"\s", "", text)


# --- lines cut by a reader, joined ------------------------------------------------------------------

# What the PDF reader gave for huaian's （二）: its reflow stopped at every line holding three numbers,
# while the paragraphs around it came whole, each on one line (so no "usual line width" shows the wraps).
READER_CUT = [
    "（一）主动公开情况。2024年，市政府网站主动公开各类政府信息5500余条，全年新增公开市政府规章1件、"
    "市政府及市政府办政策性文件11件，通过文字、图片等形式制作政策解读21个，制作《淮安市人民政府公报》6期。",
    "（二）依申请公开情况。着力强化与申请人的直接沟通。2024年，全市共受理政府信息公开申请3119件，答",
    "复3050件（含上年度结转申请34件，另有103件顺延到下年度",
    "答复），均在法定期限内予以答复。政府信息公开行政复议351",
    "件，其中结果维持72件，结果纠正64件，其他结果178件，尚",
    "未审结37件；政府信息公开行政诉讼46件，其中结果维持25",
    "件，结果纠正5件，其他结果9件，尚未审结7件。",
    "（三）政府信息管理情况。在政府网站、政务新媒体、政府公报等公开平台发布信息时，坚持“先审查、后公开”"
    "“一事一审”工作原则，规范审查程序，建立健全重要事项公开保密审查协调机制。",
]


# --- the PDFs --------------------------------------------------------------------------------------


def test_passages_reflow_reply_count_printed_over_a_line_break_is_in_one_passage() -> None:
    """huaian prints 答 | 复3050件 across a line break, and the reader cut the paragraph there."""
    report = _report("huaian_gov_2024")
    [hit] = [p for p in _passages(report.sections) if "答复3050件" in p.text]
    assert hit.text.startswith("（二）依申请公开情况。")
    assert hit.text.endswith("尚未审结7件。")
    assert hit.span.line < hit.span.end_line  # it covers the lines the reader gave it
    assert hit.span.page == 2


@pytest.mark.parametrize("name", PDFS)
def test_passages_reflow_pdf_passages_end_with_their_sentence(name: str) -> None:
    open_ended = [
        p.text
        for p in _passages(_report(name).sections)
        if not _ends_sentence(p.text) and not _heading(p.text)
    ]
    assert open_ended == []


@pytest.mark.parametrize("name", PDFS)
def test_passages_reflow_pdfplumber_text_passages_end_with_their_sentence(name: str) -> None:
    """pdfplumber's plain text: lines wrapped at the margin, "- 1 -" and =====PAGE===== between pages."""
    lines = (FIXTURES / f"{name}.pdfplumber.txt").read_text(encoding="utf-8").split("\n")
    passages = _passages(split_sections(lines).sections)
    assert [p.text for p in passages if not _ends_sentence(p.text) and not _heading(p.text)] == []
    assert not [p.text for p in passages if re.search(r"\n|=====|- \d+ -", p.text)]


def test_passages_reflow_passage_continued_on_the_next_page_keeps_its_first_page() -> None:
    report = _report("huaian_gov_2024")
    [passage] = [p for p in _passages(report.sections) if "进一步优化政务公开专栏设置" in p.text]
    assert "合格率均为100%" in passage.text  # printed at the top of page 3
    assert passage.span.page == 2


@pytest.mark.parametrize("name", PDFS)
def test_passages_reflow_every_pdf_passage_has_the_page_of_its_first_line(name: str) -> None:
    lines = read_path(REAL / f"{name}.pdf").lines
    passages = _passages(_report(name).sections)
    assert [p.span.page for p in passages] == [lines[p.span.line - 1].page for p in passages]
    assert None not in {p.span.page for p in passages}


def _pdf_document(lines: list[tuple[str, int]]) -> SourceDocument:
    return SourceDocument(
        source="cut.pdf",
        sha256="0" * 64,
        media_type="application/pdf",
        lines=[SourceLine(text=text, page=page) for text, page in lines],
    )


def test_passages_reflow_paragraph_the_reader_cut_at_a_page_break_is_one_passage_of_its_first_page() -> None:
    doc = _pdf_document(
        [
            ("一、总体情况", 1),
            (READER_CUT[0], 1),
            (
                "（四）政府信息公开平台建设情况。在日常读网巡查的基础上，定期对政府信息公开栏目进行检查，将栏目不更",
                2,
            ),
            ("新、政策解读不通俗易懂等问题列入重点检查范围。全年检查 4 次，合格率为 100%。", 3),
            ("（五）政府信息公开监督保障情况。全年组织检查4次。", 3),
        ]
    )
    overview = extract_document(doc).sections[0]
    _, first, second = overview.passages
    assert first.text.endswith(
        "将栏目不更新、政策解读不通俗易懂等问题列入重点检查范围。全年检查 4 次，合格率为 100%。"
    )
    assert (first.span.line, first.span.end_line, first.span.page) == (3, 4, 2)
    assert (second.span.line, second.span.page) == (5, 3)


def test_passages_reflow_lines_cut_mid_sentence_are_joined_and_the_span_covers_them() -> None:
    body = "\n".join(READER_CUT)
    before, joined, after = split_passages(body, key="overview", offset=100, first_line=8)
    assert joined.text == "".join(READER_CUT[1:7])
    assert "答复3050件" in joined.text and "尚未审结37件" in joined.text
    assert (joined.span.line, joined.span.end_line) == (9, 14)
    start = body.index("（二）")
    assert (joined.span.start, joined.span.end) == (100 + start, 100 + body.index("\n（三）"))
    assert (before.text, after.text, after.span.line) == (READER_CUT[0], READER_CUT[7], 15)


def test_passages_reflow_joint_is_nothing_in_chinese_and_a_space_between_latin_words() -> None:
    body = (
        "（一）主动公开情况。本年度通过政府网站主动公开政府信息，数据接口遵循Open\n"
        "Data规范，全年共受理政府信息公开申请3119件，答\n"
        "复3050件。"
    )
    [passage] = split_passages(body, key="overview", offset=0, first_line=1)
    assert "遵循Open Data规范" in passage.text
    assert "答复3050件。" in passage.text
    assert "\n" not in passage.text


def test_passages_reflow_short_lines_without_sentence_end_stay_apart() -> None:
    """A heading, a signature and a date end without 。 and are paragraphs of their own."""
    body = "（一）主动公开方面\n全年公开信息120条。\n灵丘县人民政府办公室\n2023年1月31日"
    texts = [p.text for p in split_passages(body, key="other_matters", offset=0, first_line=1)]
    assert texts == ["（一）主动公开方面", "全年公开信息120条。", "灵丘县人民政府办公室", "2023年1月31日"]


# --- the seeds: one paragraph a line -----------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_passages_reflow_seed_paragraph_lines_stay_as_they_are(seed: Path) -> None:
    """Each seed line is a whole paragraph: none is joined to the next (section 五 cuts lines into items)."""
    lines = seed.read_text(encoding="utf-8").split("\n")
    for passage in _passages(split_sections(lines).sections):
        assert passage.span.line == passage.span.end_line, passage.text
        assert passage.text in lines[passage.span.line - 1]


# --- hard-wrapped text dumps ---------------------------------------------------------------------------


def _wrap_line(line: str, width: int) -> list[str]:
    """Cut a line every `width` characters, as converters do: anywhere in Chinese, never inside a Latin
    word or a number, a space at the cut left at the end of the line."""
    chunks, current = [], ""
    for token in _ASCII_RUN.findall(line):
        if current and len(current) + len(token) > width and not token.isspace():
            chunks.append(current)
            current = ""
        current += token
    return [*chunks, current]


def _hard_wrapped(lines: list[str], *, style: str, width: int = 40) -> list[str]:
    """The seed as a dump: prose lines wrapped; paragraphs set apart by a blank line (as the seeds are),
    by an indent, or not at all ("bare"). Table rows (tab-separated) are left alone."""
    out: list[str] = []
    for line in lines:
        if "\t" in line or not line.strip():
            if style != "bare" or "\t" in line:
                out.append(line)
            continue
        out.extend(_wrap_line("\u3000\u3000" + line if style == "indent" else line, width))
    return out


def _section_texts(lines: list[str]) -> dict[str | None, list[str]]:
    return {s.key: [_squash(p.text) for p in s.passages] for s in split_sections(lines).sections}


@pytest.mark.parametrize("style", ["blank", "indent", "bare"])
@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_passages_reflow_hard_wrapped_dump_gives_whole_sentences(seed: Path, style: str) -> None:
    lines = seed.read_text(encoding="utf-8").split("\n")
    wrapped = _hard_wrapped(lines, style=style)
    assert max(len(line) for line in wrapped if "\t" not in line) <= 45  # the dump is really wrapped
    got, want = _section_texts(wrapped), _section_texts(lines)
    assert got.keys() == want.keys()
    for key, texts in got.items():
        assert "".join(texts) == "".join(want[key]), key  # nothing lost, nothing doubled
        assert [t for t in texts if not _ends_sentence(t) and not _heading(t)] == [], key
    if style != "bare":  # paragraph starts are marked: a line ending 。 at the margin does not end one
        assert got == want


def test_passages_reflow_bare_page_number_inside_a_paragraph_is_dropped() -> None:
    """pdftotext prints a page's number alone on a line (`2`): it is page furniture, not a paragraph end."""
    text = (
        "某县人民政府2021年政府信息公开工作年度报告\n一、总体情况\n"
        "以县政府门户网站为平台，以政府信息公开专栏为依托，扩大信息公开范围，细化信息公\n2\n"
        "开内容，积极与全县广大群众进行互动，有效满足群众的政府信息需求。\n二、主动公开政府信息情况\n"
    )
    overview = extract_text(text).section("overview")
    assert overview is not None
    assert [p.text for p in overview.passages] == [
        "以县政府门户网站为平台，以政府信息公开专栏为依托，扩大信息公开范围，细化信息公开内容，"
        "积极与全县广大群众进行互动，有效满足群众的政府信息需求。"
    ]
