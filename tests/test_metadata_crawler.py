"""Metadata of crawler dumps (tests/fixtures/real): the header's 标题/发布时间/发布机构 read as metadata,
the header kept out of the narrative, and the fallbacks when a header field is blank or wrong.

Expected values were read off each file by hand: the body and year from the title (the year the report
covers: a cover letter 关于报送2020年度… covers 2020), the date from 发布时间. cpca has no entry for
平潭综合实验区, so the region is what the text lets the gazetteer read: 福建省 (adcode 350000) where the
text names the province (福建省政府信息公开办法, 福建省网上办事大厅), 福建省/福州市/平潭县 (350128) where it
prints an address in 平潭县, nothing for the one report that names neither.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp.header import read_header
from nlp.metadata import find_title, read_metadata
from nlp.schema import ReportMeta, Section
from nlp.sections import split_sections

REAL = Path(__file__).resolve().parent / "fixtures" / "real"
FUJIAN = ("福建省", None, None, "350000")
PINGTAN_COUNTY = ("福建省", "福州市", "平潭县", "350128")
NO_REGION = (None, None, None, None)

CAIZHENG = "平潭综合实验区财政金融局"
GONGAN = "平潭综合实验区公安局"
JINJING = "平潭综合实验区金井片区管理局"
SHEHUI = "平潭综合实验区社会事业局"

# file stem → (issuing body, report year, publication date, region as province/city/county/adcode)
EXPECTED: dict[str, tuple[str, int, str, tuple[str | None, ...]]] = {
    "fujian_pingtan_caizhengjinrong_2022": (CAIZHENG, 2022, "2023-01-05", FUJIAN),
    "fujian_pingtan_caizhengjinrong_2023": (CAIZHENG, 2023, "2024-01-31", FUJIAN),
    "fujian_pingtan_caizhengjinrong_2024": (CAIZHENG, 2024, "2025-01-23", FUJIAN),
    "fujian_pingtan_caizhengjinrong_2025": (CAIZHENG, 2025, "2026-01-16", FUJIAN),
    "fujian_pingtan_gonganju_2019": (GONGAN, 2019, "2020-01-17", FUJIAN),
    "fujian_pingtan_gonganju_2021": (GONGAN, 2021, "2022-01-14", FUJIAN),
    "fujian_pingtan_gonganju_2022": (GONGAN, 2022, "2023-01-09", FUJIAN),
    "fujian_pingtan_gonganju_2024": (GONGAN, 2024, "2025-01-20", FUJIAN),
    "fujian_pingtan_jinjing_pianqu_2021": (JINJING, 2021, "2022-01-07", PINGTAN_COUNTY),
    "fujian_pingtan_jinjing_pianqu_2024": (JINJING, 2024, "2025-01-22", PINGTAN_COUNTY),
    "fujian_pingtan_junshan_pianqu_2025": ("平潭综合实验区君山片区管理局", 2025, "2026-01-26", FUJIAN),
    # Its preamble says 编制完成2023年度…年度报告; the title and the statistics period say 2022.
    "fujian_pingtan_lvyouwenti_2022": ("平潭综合实验区旅游与文化体育局", 2022, "2023-01-21", FUJIAN),
    "fujian_pingtan_shehuishiye_2020": (SHEHUI, 2020, "2021-01-27", FUJIAN),
    "fujian_pingtan_shehuishiye_2023": (SHEHUI, 2023, "2024-01-26", FUJIAN),
    "fujian_pingtan_shehuishiye_2024": (SHEHUI, 2024, "2025-01-20", FUJIAN),
    "fujian_pingtan_shehuishiye_2025": (SHEHUI, 2025, "2026-01-23", FUJIAN),
    "fujian_pingtan_suping_pianqu_2020": ("平潭综合实验区苏平片区管理局", 2020, "2021-01-27", NO_REGION),
    "fujian_pingtan_xingzhengshenpi_2023": ("平潭综合实验区行政审批局", 2023, "2024-01-30", FUJIAN),
}
CRAWLER_WORDS = ("标题:", "发布时间:", "发布机构:", "原文链接:", "本地目录:", "links.tsv", "==== 正文")


def _lines(stem: str) -> list[str]:
    return (REAL / f"{stem}.txt").read_text(encoding="utf-8").split("\n")


def _read(lines: list[str]) -> tuple[list[Section], ReportMeta]:
    sections = split_sections(lines).sections  # as nlp.extract does, without the tables
    return sections, read_metadata(lines, sections=sections)


def _dump(
    *, title: str = "", issuer: str = "", published: str = "", folder: str = "", body: str
) -> list[str]:
    return [
        f"标题: {title}",
        f"发布时间: {published}",
        "文号: ",
        f"发布机构: {issuer}",
        "栏目: 政府信息公开年报",
        "原文链接: https://www.example.gov.cn/zfxxgknb/t20220114_1.htm",
        f"本地目录: zfxxgknb/{folder}",
        "页面链接与图片详见 links.tsv(同目录)",
        "==================== 正文 ====================",
        body,
    ]


def test_metadata_crawler_fixtures_are_all_listed() -> None:
    assert sorted(p.stem for p in REAL.glob("*.txt")) == sorted(EXPECTED)


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_metadata_crawler_body_year_date_region(stem: str) -> None:
    body, year, published, region = EXPECTED[stem]
    _, meta = _read(_lines(stem))
    assert (meta.issuing_body, meta.year, meta.publication_date) == (body, year, published)
    assert (meta.region.province, meta.region.city, meta.region.county, meta.region.adcode) == region
    assert meta.level == "department"


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_metadata_crawler_evidence_is_the_header_and_title(stem: str) -> None:
    lines = _lines(stem)
    header = read_header(lines)
    assert header is not None and header.end == 9
    title = header.value("title")
    _, meta = _read(lines)
    assert meta.evidence["publication_date"] == header.line("published")
    assert meta.evidence["year"] == title
    assert title in meta.evidence["issuing_body"]
    issuer = header.value("issuer")
    if issuer and issuer in title:  # it agrees with the title: cited beside it
        assert header.line("issuer") in meta.evidence["issuing_body"]
    else:
        assert "发布机构" not in meta.evidence["issuing_body"]


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_metadata_crawler_title_is_the_header_value(stem: str) -> None:
    lines = _lines(stem)
    title = find_title(lines)
    assert title and lines[0] == f"标题: {title}"
    sections, _ = _read(lines)
    assert sections[0].key == "preamble" and sections[0].title == title


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_metadata_crawler_header_is_preamble_never_narrative(stem: str) -> None:
    lines = _lines(stem)
    sections, _ = _read(lines)
    preamble = sections[0]
    assert preamble.text.startswith(lines[0]) and "==== 正文" in preamble.text  # it belongs to the preamble
    assert all(s.span.line > 9 for s in sections[1:]), "a heading was found in the crawler's header"
    passages = [p for s in sections for p in s.passages]
    assert passages and all(p.span.line > 9 for p in passages)
    leaked = [p.text[:40] for p in passages if any(w in p.text for w in CRAWLER_WORDS)]
    assert leaked == []


def test_metadata_crawler_abbreviated_issuer_gives_way_to_the_full_name() -> None:
    _, meta = _read(_lines("fujian_pingtan_gonganju_2024"))
    assert meta.issuing_body == GONGAN
    assert meta.evidence["issuing_body"].startswith("发布机构: 区公安局\n")


def test_metadata_crawler_unrelated_issuer_is_ignored() -> None:
    _, meta = _read(_lines("fujian_pingtan_shehuishiye_2024"))  # 发布机构: 福建学生资助
    assert meta.issuing_body == SHEHUI
    assert "福建学生资助" not in meta.evidence["issuing_body"]


def test_metadata_crawler_cover_letter_title() -> None:
    lines = _lines("fujian_pingtan_suping_pianqu_2020")
    assert find_title(lines) == "平潭综合实验区苏平片区管理局关于报送2020年度政府信息公开工作年度报告的函"
    _, meta = _read(lines)
    assert (meta.issuing_body, meta.year) == ("平潭综合实验区苏平片区管理局", 2020)


BODY = (
    "本报告中所列数据的统计期限为2021年1月1日至2021年12月31日。一、总体情况2021年，我局推进政务公开。"
    "六、其他需要报告的事项2021年，无收取信息处理费情况。 平潭综合实验区公安局2022年1月7日"
)


def test_metadata_crawler_blank_title_falls_back_to_the_signature() -> None:
    # A one-line body: the signature is what follows its last sentence.
    lines = _dump(issuer="", published="2022-01-14 17:29", body=BODY)
    assert find_title(lines) is None
    _, meta = _read(lines)
    assert (meta.issuing_body, meta.year, meta.publication_date) == (GONGAN, 2021, "2022-01-14")
    assert meta.evidence["issuing_body"] == "平潭综合实验区公安局2022年1月7日"


def test_metadata_crawler_issuer_agreeing_with_the_signature_keeps_the_fuller_name() -> None:
    _, meta = _read(_dump(issuer="区公安局", body=BODY))
    assert meta.issuing_body == GONGAN
    assert meta.evidence["issuing_body"] == "发布机构: 区公安局\n平潭综合实验区公安局2022年1月7日"


def test_metadata_crawler_issuer_alone_is_taken_when_the_text_names_it() -> None:
    body = "2021年，平潭综合实验区公安局推进政务公开。统计期限为2021年1月1日至12月31日。"
    _, meta = _read(_dump(issuer=GONGAN, body=body))
    assert meta.issuing_body == GONGAN and meta.evidence["issuing_body"] == f"发布机构: {GONGAN}"
    _, unnamed = _read(_dump(issuer="福建学生资助", body=body.replace(GONGAN, "我局")))
    assert unnamed.issuing_body is None


def test_metadata_crawler_lines_are_not_read_as_the_reports_text() -> None:
    # Without a title the year is the one the text names most: the crawler's folder must not count.
    body = "2021年，我局推进政务公开。2021年，我局无收取信息处理费情况。"
    lines = _dump(folder="2019年度/2019年度报告/2019年度", body=body)
    _, meta = _read(lines)
    assert meta.year == 2021


def test_metadata_crawler_unreadable_publication_time_falls_back_to_the_signature() -> None:
    _, meta = _read(_dump(published="见原文", body=BODY))
    assert meta.publication_date == "2022-01-07"
    assert meta.evidence["publication_date"] == "平潭综合实验区公安局2022年1月7日"


def test_metadata_crawler_header_needs_two_named_lines() -> None:
    assert read_header(["标题: 某县2021年政府信息公开工作年度报告", "一、总体情况"]) is None
    header = read_header(["", "标题: 某县2021年度报告", "发布时间: 2022-01-14", "正文开始"])
    assert header is not None and header.end == 3 and header.published() == "2022-01-14"


def test_metadata_crawler_header_with_punctuation_gives_no_passage() -> None:
    # Header lines read as prose (a comma in the title, a semicolon in a URL) would otherwise be passages.
    lines = _dump(title="某局2021年度报告，全文", folder="a;b，c", body=BODY)
    lines[5] = "原文链接: https://www.example.gov.cn/a.htm?x=1;y=2，"
    sections, _ = _read(lines)
    passages = [p for s in sections for p in s.passages]
    assert passages and [p.text for p in passages if any(w in p.text for w in CRAWLER_WORDS)] == []
