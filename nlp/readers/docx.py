"""DOCX: paragraphs and tables in document order, merged cells rendered once.

python-docx repeats a merged cell's text in every grid position it covers; reading the underlying
<w:tc> elements (gridSpan for columns, vMerge for rows, gridBefore for rows that start late) gives
each merged cell once, at its top-left position, with its real rowspan and colspan. Numbers Word
generates for list paragraphs (一、 （一） 1.) are rendered into the text (docx_numbering).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

from docx import Document
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tbl, CT_Tc
from docx.oxml.text.paragraph import CT_P

from nlp.errors import ErrorCode, GovReportError
from nlp.readers.common import DocumentBuilder, clean_cell_text, grid_from_cells
from nlp.readers.docx_numbering import Numbering
from nlp.schema import Grid, GridCell, SourceDocument

__all__ = ["docx_table_grid", "read_docx"]

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _paragraph_text(p: Any) -> str:
    """A paragraph's text with tabs and line breaks as python-docx renders them."""
    parts: list[str] = []
    for node in p.iter(qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")):
        if node.tag == qn("w:t"):
            parts.append(node.text or "")
        elif node.tag == qn("w:tab"):
            parts.append("\t")
        else:
            parts.append("\n")
    return "".join(parts)


def _cell_text(tc: CT_Tc) -> str:
    return clean_cell_text(_paragraph_text(p) for p in tc.iter(qn("w:p")))


def _int_attr(element: Any, path: str) -> int:
    found = element.find(path)
    value = found.get(qn("w:val")) if found is not None else None
    return int(value) if value and value.isdigit() else 0


def _vmerge(tc: CT_Tc) -> str | None:
    """ "restart", "continue" or None (python-docx's own property, read defensively)."""
    tc_pr = tc.tcPr
    v_merge = tc_pr.find(qn("w:vMerge")) if tc_pr is not None else None
    if v_merge is None:
        return None
    return v_merge.get(qn("w:val")) or "continue"


def docx_table_grid(tbl: CT_Tbl) -> Grid:
    """The table's grid from its <w:tc> elements; a vMerge continuation extends the cell above."""
    cells: list[GridCell] = []
    open_cells: dict[int, GridCell] = {}  # column → the cell a vMerge continuation there extends
    for r, tr in enumerate(tbl.findall(qn("w:tr"))):
        col = _int_attr(tr, f"{qn('w:trPr')}/{qn('w:gridBefore')}")
        for tc in tr.findall(qn("w:tc")):
            span = max(1, _int_attr(tc, f"{qn('w:tcPr')}/{qn('w:gridSpan')}"))
            merge = _vmerge(tc)
            above = open_cells.get(col)
            if merge == "continue" and above is not None and above.colspan == span:
                above.rowspan = r - above.row + 1
            else:
                cell = GridCell(text=_cell_text(tc), row=r, col=col, colspan=span)
                cells.append(cell)
                for c in range(col, col + span):
                    open_cells.pop(c, None)
                open_cells[col] = cell
            col += span
    return grid_from_cells(cells)


def _body_items(body: Any) -> Iterator[Any]:
    """Paragraphs and tables of the body in order, looking inside content controls (<w:sdt>)."""
    for child in body.iterchildren():
        if isinstance(child, CT_P | CT_Tbl):
            yield child
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _body_items(content)


def _open(data: bytes, source: str) -> Any:
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise GovReportError(
            ErrorCode.READ_UNSUPPORTED,
            "this is a legacy Word .doc file saved as .docx: convert it to .docx (e.g. LibreOffice)",
            source=source,
        )
    try:
        return Document(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise GovReportError(
            ErrorCode.READ_CORRUPT, f"not a DOCX (ZIP) container: {exc}", source=source
        ) from exc
    except Exception as exc:  # lxml and python-docx raise assorted errors on damaged parts
        raise GovReportError(ErrorCode.READ_CORRUPT, f"not a readable DOCX: {exc}", source=source) from exc


def read_docx(data: bytes, *, source: str) -> SourceDocument:
    document = _open(data, source)
    numbering = Numbering.of(document)
    builder = DocumentBuilder()
    for item in _body_items(document.element.body):
        if isinstance(item, CT_Tbl):
            builder.add_table(docx_table_grid(item))
            continue
        text = _paragraph_text(item).strip()
        if text:  # an empty numbered paragraph prints its number but says nothing
            builder.add_paragraph(numbering.label(item) + text)
    return builder.build(source=source, data=data, media_type=MEDIA_TYPE)
