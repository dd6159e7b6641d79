"""Random reports saved as Word saves a document as a web page (tests/generator_forms.py, modelled on
tests/fixtures/html/word_export_2021.htm and tests/fixtures/converters/template_2021_filled.lo.html):
`MsoNormal` paragraphs, `<o:p>`, filler columns (a header cell with colspan=2 over a value column and an
empty cell beside every value under it), `&nbsp;` around numbers, vertical labels one character a `<p>`,
labels cut across `<span>`s and `<p>`s, Word's line breaks inside text and tags, GB2312 pages. Read back
through the HTML reader.

The tables keep every cell's boundaries, blank cells included: every printed cell must come back with
its value and kind, the sections in order and section 五's items each in a passage of its own.
"""

from __future__ import annotations

from bs4 import BeautifulSoup
from generator import GenReport, Knobs, _passage_mismatches, reports, table_grids
from generator_forms import WordForm, cell_problems, render_word_html, section_problems, word_forms
from hypothesis import HealthCheck, given, note, settings

from nlp.extract import extract_document
from nlp.readers import read_bytes

ROUNDTRIP = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# A table cell shows a blank as an empty cell: blank and not-applicable cells anywhere.
KNOBS = Knobs(layouts=("cells",), blanks=True)


@ROUNDTRIP
@given(reports(KNOBS), word_forms())
def test_roundtrip_word_html_extracts_every_cell(gen: GenReport, form: WordForm) -> None:
    page = render_word_html(gen, form)
    note(f"{form}\n--- rendered page ---\n{page.decode(form.charset)}")
    report = extract_document(read_bytes(page, source="report.htm", suffix=".htm"))
    wrong, missing = cell_problems(gen, report)
    found = [*wrong, *missing, *section_problems(gen, report), *_passage_mismatches(gen, report)]
    assert not found, f"{len(wrong)} wrong, {len(missing)} missing:\n" + "\n".join(found[:30])


# --- the renderer itself ---------------------------------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(reports(KNOBS), word_forms())
def test_roundtrip_word_html_renderer_writes_word_markup(gen: GenReport, form: WordForm) -> None:
    page = render_word_html(gen, form)
    text = page.decode(form.charset)
    assert f"charset={form.charset}" in text and "class=MsoNormal" in text and "<o:p></o:p>" in text
    soup = BeautifulSoup(text, "lxml")
    tables = soup.find_all("table")
    assert len(tables) == 3
    grids = table_grids(gen)
    for table, key in zip(tables, ("active_disclosure", "applications", "review_litigation"), strict=True):
        rows = [tr for tr in table.find_all("tr") if tr.get("height") != "0"]
        assert len(rows) == len(grids[key])
        widths = {sum(int(td.get("colspan", 1)) for td in tr.find_all("td")) for tr in rows[:1]}
        template = sum(cell.colspan for cell in grids[key][0])
        assert widths == {template + form.fillers}  # each filler column widens the table by one
    if form.vertical:  # 自然人 one character a paragraph (or a <br>)
        assert "<span>自</span>" in text or "自<br>然<br>人" in text
