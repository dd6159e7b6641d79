"""DOCX: paragraphs and tables in document order, merged cells rendered once.

python-docx repeats a merged cell's text in every grid position it covers; reading the underlying
<w:tc> elements (gridSpan for columns, vMerge for rows, gridBefore for rows that start late) gives
each merged cell once, at its top-left position, with its real rowspan and colspan. Numbers Word
generates for list paragraphs (一、 （一） 1.) are rendered into the text (docx_numbering).
"""

from __future__ import annotations

import io
import zipfile
import zlib
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

__all__ = ["check_expansion", "docx_table_grid", "read_docx"]

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MAX_PARTS = 10_000  # a document with images has dozens; a hundred thousand entries is an attack
_RATIO_FLOOR = (
    1 << 20
)  # parts smaller than this expanded are not held to the ratio (tiny XML compresses well)
_CHUNK = 1 << 20


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


def _too_large(message: str, source: str) -> GovReportError:
    return GovReportError(ErrorCode.READ_TOO_LARGE, f"{message} (a decompression bomb?)", source=source)


def _check_part(info: zipfile.ZipInfo, expanded: int, *, max_ratio: float, source: str) -> None:
    if expanded > _RATIO_FLOOR and expanded > max_ratio * max(1, info.compress_size):
        raise _too_large(
            f"part {info.filename} expands {expanded // max(1, info.compress_size)} times"
            f" (limit {max_ratio:g}: max_zip_ratio)",
            source,
        )


def check_expansion(data: bytes, *, source: str, max_expanded: int, max_ratio: float) -> None:
    """Refuse a ZIP container that expands beyond `max_expanded` bytes in all, or has a part (over
    1 MiB) expanding more than `max_ratio` times its compressed size. The declared sizes are checked
    first; then every part is decompressed as a stream, a chunk at a time, so a container lying about
    its sizes is caught by what it really expands to, in bounded memory and before anything is parsed."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise GovReportError(
            ErrorCode.READ_CORRUPT, f"not a DOCX (ZIP) container: {exc}", source=source
        ) from exc
    infos = archive.infolist()
    if len(infos) > MAX_PARTS:
        raise _too_large(f"the container holds {len(infos)} parts (at most {MAX_PARTS})", source)
    declared = sum(info.file_size for info in infos)
    limit = f"limit {max_expanded} bytes: max_expanded_mb"
    if declared > max_expanded:
        raise _too_large(f"the parts declare {declared} bytes expanded ({limit})", source)
    for info in infos:
        _check_part(info, info.file_size, max_ratio=max_ratio, source=source)
    total = 0
    for info in infos:
        expanded = 0
        try:
            with archive.open(info) as part:
                while chunk := part.read(_CHUNK):
                    expanded += len(chunk)
                    total += len(chunk)
                    if total > max_expanded:
                        raise _too_large(
                            f"the parts expand to more than {max_expanded} bytes ({limit})", source
                        )
                    _check_part(info, expanded, max_ratio=max_ratio, source=source)
        except (
            zipfile.BadZipFile,
            zlib.error,
            EOFError,
            NotImplementedError,
            RuntimeError,
            ValueError,
        ) as exc:
            message = f"part {info.filename} cannot be decompressed: {exc}"
            raise GovReportError(ErrorCode.READ_CORRUPT, message, source=source) from exc


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


def read_docx(
    data: bytes, *, source: str, max_expanded: int = 256 << 20, max_ratio: float = 100.0
) -> SourceDocument:
    """The DOCX's paragraphs and tables; a container expanding past the limits is refused unread."""
    if not data.startswith(b"\xd0\xcf\x11\xe0"):  # a legacy .doc is named as such by _open
        check_expansion(data, source=source, max_expanded=max_expanded, max_ratio=max_ratio)
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
