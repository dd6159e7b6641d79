"""Extraction: a read document becomes a Report — sections, passages, the three tables, metadata.

The stages are pure functions over the document's lines; this module only wires them together and
keeps every problem they report, so nothing read is ever silently dropped.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from nlp.errors import ErrorCode, GovReportError, problem
from nlp.lines import running_headers, table_line_ranges
from nlp.metadata import find_title, read_metadata
from nlp.schema import Report, Section, SourceDocument, SourceLine, Span, Tables
from nlp.sections import split_sections
from nlp.settings import Settings, get_settings
from nlp.tables import parse_tables
from nlp.tables.recovery import recover_document

__all__ = ["document_from_text", "extract_document", "extract_path", "extract_text"]


def document_from_text(text: str, *, source: str) -> SourceDocument:
    """A SourceDocument for text already decoded: one SourceLine per line, line numbers kept."""
    normalised = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    lines = [SourceLine(text=t, source_line=i) for i, t in enumerate(normalised.split("\n"), start=1)]
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return SourceDocument(
        source=source, sha256=digest, media_type="text/plain", encoding="utf-8", lines=lines
    )


def extract_text(text: str, *, source: str = "<text>") -> Report:
    return extract_document(document_from_text(text, source=source))


def extract_path(path: Path, *, settings: Settings | None = None) -> Report:
    """Read any supported file and extract it. Raises GovReportError when the file cannot be read."""
    from nlp.readers import read_path  # readers pull in the PDF, DOCX and HTML libraries: only when used

    doc = read_path(path, settings=settings)
    _refuse_overlong(doc, limit=(settings or get_settings()).max_text_chars)
    return extract_document(doc)


def _refuse_overlong(doc: SourceDocument, *, limit: int) -> None:
    """Extraction's memory grows with the text (linearly, but ~0.4 kB a character of tables): a text far
    longer than any report is refused before it starts, naming the file."""
    chars = sum(len(line.text) for line in doc.lines)
    if chars > limit:
        message = f"the text read is {chars} characters, more than the limit of {limit} (max_text_chars)"
        raise GovReportError(ErrorCode.READ_TOO_LARGE, message, source=doc.source)


def extract_document(doc: SourceDocument) -> Report:
    doc = recover_document(doc)
    lines = [line.text for line in doc.lines]
    glued = frozenset(n for n, line in enumerate(doc.lines, start=1) if line.glued)
    furniture = running_headers(lines)
    markdown = doc.media_type == "text/markdown"
    split = split_sections(lines, source=doc.source, furniture=furniture, blank_line_paragraphs=markdown)
    parsed = parse_tables(lines, blocks=doc.blocks, glued=glued, furniture=furniture, source=doc.source)
    table_lines = table_line_ranges(parsed.tables)
    sections = [_without_table_passages(s, table_lines) for s in split.sections]
    meta = read_metadata(lines, sections=sections, source=doc.source)
    problems = [*doc.problems, *split.problems, *parsed.problems]
    if not sections and not _has_any_table(parsed.tables):
        problems.append(problem(ErrorCode.READ_NOT_A_REPORT, source=doc.source))
    report = Report(
        source=doc.source,
        sha256=doc.sha256,
        media_type=doc.media_type,
        format=parsed.format,
        title=find_title(lines),
        issuing_body=meta.issuing_body,
        year=meta.year,
        meta=meta,
        sections=sections,
        tables=parsed.tables,
        alignments=parsed.alignments,
        problems=problems,
    )
    return _with_pages(report, doc.lines)


def _has_any_table(tables: Tables) -> bool:
    return any(t.rows for t in tables.present())


def _without_table_passages(section: Section, ranges: Sequence[tuple[int, int]]) -> Section:
    """Table cells are not narrative: passages lying inside a parsed table (`ranges` of its lines) are
    dropped from search."""
    if not ranges:
        return section
    kept = [p for p in section.passages if not _inside_any(p.span, ranges)]
    return section if len(kept) == len(section.passages) else section.model_copy(update={"passages": kept})


def _inside_any(span: Span, ranges: Sequence[tuple[int, int]]) -> bool:
    return any(first <= span.line and span.end_line <= last for first, last in ranges)


def _with_pages(report: Report, lines: Sequence[SourceLine]) -> Report:
    """Give every span the PDF page its first line was printed on (no-op for text formats)."""
    if not any(line.page for line in lines):
        return report

    def page_of(span: Span | None) -> None:
        if span is not None and 1 <= span.line <= len(lines):
            span.page = lines[span.line - 1].page

    for section in report.sections:
        page_of(section.span)
        for passage in section.passages:
            page_of(passage.span)
    for table in report.tables.present():
        page_of(table.span)
        for row in table.rows:
            for cell in [*row.cells.values(), *row.printed, *row.derived.values()]:
                page_of(cell.span)
    report.page_starts = _page_starts(lines)
    return report


def _page_starts(lines: Sequence[SourceLine]) -> list[int]:
    """The first line number of each page 1…last (a page with no line starts where the next one does)."""
    firsts: dict[int, int] = {}
    for number, line in enumerate(lines, start=1):
        if line.page is not None:
            firsts.setdefault(line.page, number)
    if not firsts:
        return []
    last = max(firsts)
    starts = [len(lines) + 1] * last
    for page in range(last, 0, -1):
        starts[page - 1] = firsts.get(page, starts[page] if page < last else len(lines) + 1)
    return starts
