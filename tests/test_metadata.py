"""Report metadata: issuing body, region (cpca), level, report year, publication date, evidence."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp.metadata import find_title, parse_date, read_metadata
from nlp.sections import split_sections

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "samples/seeds"
PDF_TEXT = ROOT / "tests/fixtures/sections"  # pdfplumber's plain text of samples/real/*.pdf


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


@pytest.mark.parametrize(
    ("path", "body", "region", "level", "year", "published"),
    [
        (
            SEEDS / "songxian_2021.txt",
            "嵩县人民政府",
            ("河南省", "洛阳市", "嵩县", "410325"),
            "county",
            2021,
            None,
        ),
        (
            SEEDS / "muye_2021.txt",
            "新乡市牧野区人民政府",
            ("河南省", "新乡市", "牧野区", "410711"),
            "district",
            2021,
            None,
        ),
        (
            SEEDS / "pengshui_2021.txt",
            "彭水苗族土家族自治县人民政府机关",
            ("重庆市", "重庆市", "彭水苗族土家族自治县", "500243"),
            "county",
            2021,
            None,
        ),
        (
            SEEDS / "lingqiu_2022.txt",
            "灵丘县人民政府办公室",
            ("山西省", "大同市", "灵丘县", "140224"),
            "county",
            2022,
            "2023-01-31",
        ),
        (SEEDS / "zhongmou_2020.txt", None, ("河南省", "郑州市", "中牟县", "410122"), "county", 2020, None),
        (
            PDF_TEXT / "hongze_2023.pdfplumber.txt",
            "洪泽区人民政府",
            ("江苏省", "淮安市", "洪泽区", "320813"),
            "district",
            2023,
            None,
        ),
        (
            PDF_TEXT / "huaian_gov_2024.pdfplumber.txt",
            "淮安市人民政府",
            ("江苏省", "淮安市", None, "320800"),
            "city",
            2024,
            None,
        ),
    ],
    ids=lambda v: v.stem if isinstance(v, Path) else None,
)
def test_metadata_of_real_reports(
    path: Path,
    body: str | None,
    region: tuple[str | None, ...],
    level: str,
    year: int,
    published: str | None,
) -> None:
    lines = _lines(path)
    meta = read_metadata(lines, sections=split_sections(lines).sections, source=str(path))
    assert meta.issuing_body == body
    assert (meta.region.province, meta.region.city, meta.region.county, meta.region.adcode) == region
    assert (meta.level, meta.year, meta.publication_date) == (level, year, published)
    text = "\n".join(lines)
    for field in ("region", "level", "year"):
        assert meta.evidence[field]
    if body:
        assert body in meta.evidence["issuing_body"]
    if meta.evidence["region"] != body:
        assert meta.evidence["region"] in text


def test_metadata_without_title_reads_the_body_text() -> None:
    meta = read_metadata(_lines(SEEDS / "zhongmou_2020.txt"))
    assert "中牟县" in meta.evidence["region"]
    assert "我县" in meta.evidence["level"]
    assert meta.evidence["year"].startswith("2020年")


def test_metadata_year_is_the_report_year_not_the_signing_year() -> None:
    lines = [
        "一、总体情况",
        "2022年，我县全面推进政务公开。",
        "六、其他需要报告的事项",
        "无。",
        "某县人民政府",
        "2023年1月31日",
    ]
    meta = read_metadata(lines)
    assert (meta.year, meta.publication_date, meta.issuing_body) == (2022, "2023-01-31", "某县人民政府")


REPORT = "2021年政府信息公开工作年度报告"


@pytest.mark.parametrize(
    ("body", "region", "level"),
    [
        ("嵩县教育局", "河南省/洛阳市/嵩县", "department"),
        ("洛阳市生态环境局", "河南省/洛阳市/", "department"),
        ("北京市人民政府", "北京市//", "province"),
        ("广西壮族自治区人民政府", "广西壮族自治区//", "province"),
        ("巩义市人民政府", "河南省/郑州市/巩义市", "county"),
        ("中牟县官渡镇人民政府", "河南省/郑州市/中牟县", "township"),
        ("金水区经八路街道办事处", "河南省/郑州市/金水区", "township"),
        ("灵丘县人民政府办公室", "山西省/大同市/灵丘县", "county"),
    ],
)
@pytest.mark.parametrize("year_first", [False, True])
def test_metadata_levels(body: str, region: str, level: str, year_first: bool) -> None:
    title = f"2021年{body}政府信息公开工作年度报告" if year_first else body + REPORT
    meta = read_metadata([title, "一、总体情况", "全面推进政务公开。"])
    assert meta.issuing_body == body
    got = (meta.region.province, meta.region.city, meta.region.county)
    assert "/".join(part or "" for part in got) == region
    assert (meta.level, meta.year) == (level, 2021)


@pytest.mark.parametrize(("city", "other"), [("北京市", "长春市"), ("长春市", "北京市")])
def test_metadata_shared_district_name_resolved_by_the_text(city: str, other: str) -> None:
    lines = ["朝阳区人民政府" + REPORT, "一、总体情况", f"{city}朝阳区人民政府认真落实《条例》。"]
    meta = read_metadata(lines)
    assert (meta.region.county, meta.region.city, meta.level) == ("朝阳区", city, "district")


SONGXIAN = "嵩县人民政府" + REPORT
LINGQIU = "灵丘县人民政府办公室"


@pytest.mark.parametrize(
    ("lines", "title"),
    [
        (
            ["", "嵩县人民政府2021年政府信息公开工作年度报告", "", "一、总体情况"],
            "嵩县人民政府2021年政府信息公开工作年度报告",
        ),
        (
            ["灵丘县人民政府办公室", "", "2022年政府信息公开工作年度报告", "2022年，…。"],
            "灵丘县人民政府办公室2022年政府信息公开工作年度报告",
        ),
        (["", "", "一、总体情况", "本年度报告根据《条例》编制。"], None),
        (["本年度报告根据《中华人民共和国政府信息公开条例》要求，由县政府办公室编制。"], None),
    ],
)
def test_metadata_find_title(lines: list[str], title: str | None) -> None:
    assert find_title(lines) == title


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2023年1月31日", "2023-01-31"),
        ("灵丘县人民政府办公室 2023 年 1 月 31 日", "2023-01-31"),
        ("二〇二三年一月三十一日", "2023-01-31"),
        ("二〇二二年十二月九日", "2022-12-09"),
        ("2023年2月30日", None),
        ("无日期", None),
    ],
)
def test_metadata_parse_date(text: str, iso: str | None) -> None:
    assert parse_date(text) == iso


def test_metadata_of_nothing() -> None:
    meta = read_metadata([])
    assert (meta.issuing_body, meta.region.province, meta.level, meta.year, meta.publication_date) == (
        None,
        None,
        "unknown",
        None,
        None,
    )
