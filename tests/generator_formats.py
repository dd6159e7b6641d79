"""Renderers of generated reports as the files governments publish: an HTML page with site chrome around
the article and tables with rowspan/colspan, a DOCX written with python-docx with merged cells, and text in
GBK. They render the same model and grids as tests/generator.py, so the same oracle applies.
"""

from __future__ import annotations

import html
from pathlib import Path

from docx import Document
from docx.oxml.simpletypes import ST_Merge
from docx.table import Table as DocxTable
from docx.table import _Cell
from generator import GenReport, Grid, TCell, render_text, table_grids

__all__ = ["render_docx", "render_gbk_text", "render_html", "write_report"]

_CHROME_TOP = """<div class="header"><div class="topbar">无障碍浏览 | 长者模式 | 繁体版</div>
<div class="logo">{body}门户网站</div>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>
<li><a href="/zwfw/">政务服务</a></li><li><a href="/hdjl/">互动交流</a></li></ul></div>
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 年度报告</div>
"""
_CHROME_META = """<div class="article-info">发布时间：{year}-01-20 来源：{body} 浏览次数：1024
<span class="fontsize">字号：[大 中 小]</span></div>
"""
_CHROME_BOTTOM = """<div class="share bdsharebuttonbox">分享到：微信 微博 QQ空间</div>
<div class="related"><h4>相关链接</h4><ul><li><a href="/a/1.html">关于开展政务公开工作的通知</a></li>
<li><a href="/a/2.html">政府信息公开指南</a></li></ul></div>
<div class="footer"><p>主办单位：{body}办公室 网站标识码：4103250001</p>
<p>版权所有 ICP备05001234号 技术支持：某某信息技术有限公司</p></div>
<script>var _hmt = _hmt || []; document.write("统计");</script>
"""


def render_html(gen: GenReport, *, charset: str = "utf-8") -> bytes:
    """A government site's page: header, navigation, breadcrumb, the article (paragraphs and tables with
    rowspan/colspan) in a .TRS_Editor div, share bar, related links, footer and scripts."""
    grids = table_grids(gen)
    article: list[str] = []
    for section in gen.sections:
        if section.heading:
            article.append(f"<p><strong>{html.escape(section.heading)}</strong></p>")
        article.extend(f'<p style="text-indent:2em">{html.escape(p)}</p>' for p in section.paragraphs)
        if section.key in grids:
            article.append(_html_table(grids[section.key], split=gen.style.split_headers))
    title = f"{gen.body}{gen.year}年政府信息公开工作年度报告"
    where = {"body": html.escape(gen.body), "year": gen.year + 1}
    page = (
        f'<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
        f"<title>{html.escape(title)}_{html.escape(gen.body)}</title>"
        "<style>.TRS_Editor p{line-height:2}</style></head><body>"
        + _CHROME_TOP.format(**where)
        + '<div class="main"><div class="article">'
        + _CHROME_META.format(**where)
        + '<div class="TRS_Editor">'
        + "\n".join(article)
        + "</div></div></div>"
        + _CHROME_BOTTOM.format(**where)
        + "</body></html>"
    )
    return page.encode(charset)


def _html_table(grid: Grid, *, split: bool) -> str:
    rows = []
    for row in grid:
        cells = "".join(_html_cell(cell, split=split) for cell in row if not cell.covered)
        rows.append(f"<tr>{cells}</tr>")
    return (
        '<table border="1" cellspacing="0" cellpadding="0" width="100%"><tbody>'
        + "".join(rows)
        + "</tbody></table>"
    )


def _html_cell(cell: TCell, *, split: bool) -> str:
    spans = (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + (
        f' colspan="{cell.colspan}"' if cell.colspan > 1 else ""
    )
    text = html.escape(cell.text)
    if split and cell.role == "header" and len(cell.text) == 4:
        # a header word broken in its cell (商业<br>企业), as sites print it
        text = f"{html.escape(cell.text[:2])}<br/>{html.escape(cell.text[2:])}"
    return f'<td{spans}><p style="text-align:center">{text}</p></td>'


def render_docx(gen: GenReport, path: Path, *, docx_merge: bool = False) -> None:
    """A Word document: headings and paragraphs, and the tables with their merged cells merged (by
    python-docx's own `_Cell.merge` if docx_merge, else by `_merge`, which writes the same XML)."""
    document = Document()
    grids = table_grids(gen)
    for section in gen.sections:
        if section.heading:
            document.add_paragraph().add_run(section.heading).bold = True
        for paragraph in section.paragraphs:
            document.add_paragraph(paragraph)
        if section.key in grids:
            _docx_table(document, grids[section.key], split=gen.style.split_headers, docx_merge=docx_merge)
    document.save(str(path))


def _docx_table(document: object, grid: Grid, *, split: bool, docx_merge: bool) -> None:
    width = sum(cell.colspan for cell in grid[0])
    table: DocxTable = document.add_table(rows=len(grid), cols=width)  # type: ignore[attr-defined]
    table.style = "Table Grid"
    # table.cell(r, c) rebuilds the whole cell list on every call (seconds per report): take the cells of
    # the unmerged grid once; merged regions never overlap, so these handles stay valid while merging.
    cells = table._cells
    for r, row in enumerate(grid):
        column = 0
        for cell in row:
            if not cell.covered:
                target = cells[r * width + column]
                if docx_merge and (cell.rowspan > 1 or cell.colspan > 1):
                    target = target.merge(cells[(r + cell.rowspan - 1) * width + column + cell.colspan - 1])
                elif cell.rowspan > 1 or cell.colspan > 1:
                    rows = range(r, r + cell.rowspan)
                    _merge(
                        [[cells[i * width + j] for j in range(column, column + cell.colspan)] for i in rows]
                    )
                _docx_text(target, cell, split=split)
            column += cell.colspan


def _merge(region: list[list[_Cell]]) -> None:
    """Merge the still empty cells of `region` (its rows, each left to right) as python-docx's
    `_Cell.merge` does: the first cell of each row swallows the others (their widths added to its own,
    its gridSpan grown, they removed), with vMerge restart on the top row and continue below. The same
    XML, without `merge`'s XPath walks of the whole table to find each cell again, which took most of
    the time of rendering a report (test_roundtrip_docx_renderer_writes_merged_cells_once compares)."""
    for index, row in enumerate(region):
        first = row[0]._tc
        for other in (cell._tc for cell in row[1:]):
            first._add_width_of(other)
            first.grid_span += other.grid_span
            other.getparent().remove(other)  # type: ignore[union-attr]
        first.vMerge = ST_Merge.CONTINUE if index else (ST_Merge.RESTART if len(region) > 1 else None)


def _docx_text(target: _Cell, cell: TCell, *, split: bool) -> None:
    if split and cell.role == "header" and len(cell.text) == 4:
        target.text = cell.text[:2]
        target.add_paragraph(cell.text[2:])  # a header word on two lines of its cell
    else:
        target.text = cell.text


def render_gbk_text(gen: GenReport, *, crlf: bool = False) -> bytes:
    """The text rendering saved in GBK, as many sites' .txt exports are (Windows line ends if crlf)."""
    text = render_text(gen)
    return (text.replace("\n", "\r\n") if crlf else text).encode("gbk")


def write_report(gen: GenReport, folder: Path, fmt: str) -> Path:
    """Write `gen` as a file of kind fmt (html, html-gbk, docx, txt-gbk, txt-gbk-crlf) under folder."""
    if fmt == "docx":
        path = folder / "report.docx"
        render_docx(gen, path)
        return path
    if fmt in ("html", "html-gbk"):
        path = folder / "report.html"
        path.write_bytes(render_html(gen, charset="gbk" if fmt == "html-gbk" else "utf-8"))
        return path
    if fmt in ("txt-gbk", "txt-gbk-crlf"):
        path = folder / "report.txt"
        path.write_bytes(render_gbk_text(gen, crlf=fmt.endswith("crlf")))
        return path
    raise ValueError(f"unknown format {fmt}")
