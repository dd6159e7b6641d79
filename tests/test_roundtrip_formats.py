"""Render random reports as the files sites publish (HTML with chrome and merged cells, DOCX with merged
cells, GBK text) and read them back through `extract_path`: the same oracle as the text round trip.

HTML and DOCX readers are slower than text (~0.3 s a file), so those run 50 examples; GBK text runs 200,
and the text properties cover the table logic itself at 200 examples each.
"""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

from docx import Document
from generator import GenReport, Knobs, mismatches, reports
from generator_formats import render_docx, render_gbk_text, render_html, write_report
from hypothesis import HealthCheck, Phase, given, note, settings
from hypothesis import strategies as st

from nlp.extract import extract_path

# Readers take ~0.5 s a file: shrinking a failure through them could run for many minutes, so these
# properties report the first failing example as drawn (rows of zeros are already the simplest cells).
FORMATS = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
# Grids fix every cell's position, so blank cells may sit anywhere: draw them as the cell layout allows.
GRID_KNOBS = Knobs(layouts=("cells",), blanks=True)


def _document_xml(path: Path) -> bytes:
    with zipfile.ZipFile(path) as docx:
        return docx.read("word/document.xml")


def _assert_file_roundtrip(gen: GenReport, fmt: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = write_report(gen, Path(folder), fmt)
        report = extract_path(path)
    found = mismatches(gen, report)
    assert not found, f"{len(found)} mismatches ({fmt}, {gen.format}):\n" + "\n".join(found[:40])


@FORMATS
@given(reports(GRID_KNOBS), st.sampled_from(["html", "html-gbk"]))
def test_roundtrip_html_pages_with_site_chrome_extract_exactly(gen: GenReport, fmt: str) -> None:
    note(render_html(gen).decode("utf-8"))
    _assert_file_roundtrip(gen, fmt)


@FORMATS
@given(reports(GRID_KNOBS))
def test_roundtrip_docx_with_merged_cells_extracts_exactly(gen: GenReport) -> None:
    _assert_file_roundtrip(gen, "docx")


@settings(FORMATS, max_examples=200)
@given(reports(Knobs(blanks=True)), st.sampled_from(["txt-gbk", "txt-gbk-crlf"]))
def test_roundtrip_gbk_text_extracts_exactly(gen: GenReport, fmt: str) -> None:
    note(render_gbk_text(gen).decode("gbk"))
    _assert_file_roundtrip(gen, fmt)


# --- the renderers themselves ----------------------------------------------------------------------


@settings(max_examples=15, deadline=None)
@given(reports(GRID_KNOBS))
def test_roundtrip_html_renderer_merges_cells_and_wraps_chrome(gen: GenReport) -> None:
    page = render_html(gen, charset="gbk").decode("gbk")
    assert 'charset=gbk"' in page and '<div class="TRS_Editor">' in page
    assert page.count("<table") == 3 and 'rowspan="2"' in page and 'colspan="5"' in page
    assert "网站标识码" in page.split('<div class="TRS_Editor">')[1]  # chrome after the article too
    for section in gen.sections:
        assert section.heading is None or section.heading in page


@settings(max_examples=10, deadline=None)
@given(reports(GRID_KNOBS))
def test_roundtrip_docx_renderer_writes_merged_cells_once(gen: GenReport) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path, by_docx = Path(folder) / "r.docx", Path(folder) / "by_docx.docx"
        render_docx(gen, path)
        render_docx(gen, by_docx, docx_merge=True)
        # the renderer's own merge writes what python-docx's _Cell.merge writes, byte for byte
        assert _document_xml(path) == _document_xml(by_docx)
        tables = Document(str(path)).tables
    assert len(tables) == 3
    review = tables[2]
    assert len(review.rows) == 4 and len(review.columns) == 15
    # python-docx repeats a merged cell in every grid position it covers: 行政诉讼 spans ten columns
    assert [c.text.replace("\n", "") for c in review.rows[0].cells].count("行政诉讼") == 10
    assert [c.text for c in review.rows[3].cells] == [cell.raw for cell in gen.review]
    applications = tables[1]
    assert len(applications.columns) == 10 and len(applications.rows) == 3 + len(gen.applications)
