"""HTML reader: chrome dropped, body kept, tables honouring rowspan/colspan, charset handling."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp.errors import ErrorCode, GovReportError
from nlp.readers import read_bytes, read_path
from nlp.readers.common import grid_rows

PAGE = """<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>某县2023年政府信息公开工作年度报告_某县人民政府</title>
<style>.x {{ color: red }}</style><script>var nav = "首页";</script></head>
<body>
<div class="header"><div class="nav"><a href="/">首页</a><a href="/gk">政务公开</a></div></div>
<div class="breadcrumb">当前位置：首页 &gt; 政务公开 &gt; 年度报告</div>
<div class="main">
  <h1 class="article-title">某县2023年政府信息公开工作年度报告</h1>
  <div class="share-bar">分享到：微信 微博</div>
  <div id="zoom" class="TRS_Editor">
    <p>　　本报告由某县人民政府办公室编制。报告中所列数据统计期限自2023年1月1日起
    至2023年12月31日止。如对本报告有疑问，请联系某县人民政府办公室。</p>
    <p><strong>一、总体情况</strong></p>
    <p>　　2023年，全县共收到政府信息公开申请9件，
       办结9件。</p>
    <p>三、收到和处理政府信息公开申请情况</p>
    <table border="1">
      <tr><td rowspan="3" colspan="3">
          （本列数据的勾稽关系为：第一项加第二项之和，<br>等于第三项加第四项之和）</td>
          <td colspan="3">申请人情况</td></tr>
      <tr><td rowspan="2">自然人</td><td colspan="2">法人或其他组织</td></tr>
      <tr><td>商业<br>企业</td><td><p>科研</p><p>机构</p></td></tr>
      <tr><td colspan="3">一、本年新收政府信息公开申请数量</td><td>9</td><td>0</td><td>0</td></tr>
      <tr><td rowspan="2">三、本年度办理结果</td><td colspan="2">（一）予以公开</td>
          <td>5</td><td>0</td><td>0</td></tr>
      <tr><td>（三）不予公开</td><td>1.属于国家秘密</td><td>1</td><td></td><td>/</td></tr>
    </table>
    <p>五、存在的主要问题及改进情况</p>
  </div>
  <div class="bdsharebuttonbox">分享</div>
</div>
<div id="footer">主办单位：某县人民政府办公室 网站标识码 123</div>
</body></html>
"""


def _read(charset: str = "utf-8", encoding: str = "utf-8"):
    return read_bytes(PAGE.format(charset=charset).encode(encoding), source="page.html", suffix=".html")


def test_readers_html_drops_chrome_keeps_article() -> None:
    text = _read().text
    for chrome in ["当前位置", "分享到", "主办单位", "政务公开\n", "var nav", "color: red"]:
        assert chrome not in text
    assert "全县共收到政府信息公开申请9件，办结9件。" in text
    assert "一、总体情况" in text.splitlines()
    assert text.splitlines()[0] == "某县2023年政府信息公开工作年度报告"


def test_readers_html_table_grid_honours_rowspan_colspan() -> None:
    doc = _read()
    [table] = [b for b in doc.blocks if b.kind == "table"]
    assert table.grid is not None
    assert (table.grid.n_rows, table.grid.n_cols) == (6, 6)
    rows = grid_rows(table.grid)
    assert rows[0] == [
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
        "",
        "",
        "申请人情况",
        "",
        "",
    ]
    assert rows[1] == ["", "", "", "自然人", "法人或其他组织", ""]
    assert rows[2] == ["", "", "", "", "商业企业", "科研机构"]
    assert rows[3] == ["一、本年新收政府信息公开申请数量", "", "", "9", "0", "0"]
    assert rows[4] == ["三、本年度办理结果", "（一）予以公开", "", "5", "0", "0"]
    assert rows[5] == ["", "（三）不予公开", "1.属于国家秘密", "1", "", "/"]
    lines = [doc.lines[i - 1].text for i in range(table.first_line, table.last_line + 1)]
    assert lines[3] == "一、本年新收政府信息公开申请数量\t\t\t9\t0\t0"
    merged = next(c for c in table.grid.cells if c.text.startswith("（本列"))
    assert (merged.rowspan, merged.colspan) == (3, 3)


@pytest.mark.parametrize(("charset", "encoding"), [("gb2312", "gbk"), ("GBK", "gb18030"), ("utf-8", "utf-8")])
def test_readers_html_charset_from_meta(charset: str, encoding: str) -> None:
    doc = _read(charset, encoding)
    assert "全县共收到政府信息公开申请9件" in doc.text
    assert doc.media_type == "text/html"


def test_readers_html_wrong_meta_falls_back_to_detection() -> None:
    raw = PAGE.format(charset="utf-8").encode("gbk")  # declared utf-8, saved as GBK
    assert "全县共收到政府信息公开申请9件" in read_bytes(raw, source="p.htm", suffix=".htm").text


def test_readers_html_layout_table_read_as_text() -> None:
    html = (
        "<html><body><table><tr><td><p>一、总体情况</p><table><tr><td>规章</td><td>3</td></tr></table>"
        "</td></tr></table></body></html>"
    )
    doc = read_bytes(html.encode(), source="l.html", suffix=".html")
    assert doc.lines[0].text == "一、总体情况"
    [table] = [b for b in doc.blocks if b.kind == "table"]
    assert doc.lines[table.first_line - 1].text == "规章\t3"


def test_readers_html_without_text_is_empty() -> None:
    with pytest.raises(GovReportError) as info:
        read_bytes(b"<html><body><script>x()</script></body></html>", source="e.html", suffix=".html")
    assert info.value.code == ErrorCode.READ_EMPTY
    assert "e.html" in str(info.value)


FIXTURES = Path(__file__).resolve().parent / "fixtures" / "readers"


def test_readers_html_gbk_page_without_meta_layout_table_and_chrome() -> None:
    doc = read_path(FIXTURES / "gbk_no_meta.html")
    assert doc.encoding == "gb18030"
    text = doc.text
    for chrome in ["首页", "热点专题", "版权所有"]:
        assert chrome not in text
    assert text.splitlines()[0] == "某区2022年政府信息公开工作年度报告"
    [table] = [b for b in doc.blocks if b.kind == "table"]
    assert table.grid is not None and (table.grid.n_rows, table.grid.n_cols) == (4, 15)
    assert doc.lines[table.last_line - 1].text == "\t".join(["1", "0", "0", "0", "1"] + ["0"] * 10)
    assert doc.lines[table.first_line].text.split("\t")[5] == "未经复议直接起诉"
