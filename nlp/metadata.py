"""Report metadata: who issued it, where (province, city, county, adcode), at what level, for which year.

The issuing body is read from the title (嵩县人民政府2021年…年度报告, or a body line printed above
"2022年…年度报告"), else from the signature above the closing date, else from "本报告由…编制". The
region is resolved with the cpca gazetteer: from the body's name when it names a place, otherwise by
the places the text names most (zhongmou_2020 has no title: 中牟县 and 郑州 appear in its body).
A district name several cities share is resolved with the places the text names alongside it.

Levels (configs/regions.yaml): 县/旗 → county, 区 → district, 市 → city (a municipality → province,
a county-level city → county), 省/自治区 → province, 乡/镇/街道 → township, any other organ
(县教育局, 市生态环境局) → department. Decision: a government's 办公室/办公厅/机关 reports at the
government's level. Under a municipality the city is the municipality (重庆市 … 彭水 → city 重庆市).

The year is the report's year, not the signing year: the title's year, else the statistics period's,
else the year the text names most. Every field read carries its evidence (the text it was read from).

A crawler dump (nlp.header) gives the title (标题), the publication date (发布时间) and an issuer
(发布机构). The issuer is taken only when it agrees with the body read as above — crawlers leave it
blank, abbreviate it (区公安局) or fill in an unrelated name — and then the fuller of the two names is
kept. The crawler's lines are never searched as the report's text (its URLs and folder names would
count as years and places).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from nlp.config import load_yaml
from nlp.header import CrawlerHeader, read_header
from nlp.numerals import chinese_number
from nlp.schema import Level, Region, ReportMeta, Section

__all__ = ["find_title", "parse_date", "read_metadata", "resolve_region"]

_SPACE = re.compile(r"[\s\u3000\xa0]+")
_CN_YEAR_DIGITS = str.maketrans("〇○零一二三四五六七八九", "00012345678" + "9")
_YEAR = r"(?P<year>(?:19|20)\d{2}|[〇○零一二][〇○零一二三四五六七八九]{3})"
_DATE = re.compile(
    r"(?P<y>(?:19|20)\d{2}|[〇○零一二][〇○零一二三四五六七八九]{3})年"
    r"(?P<m>\d{1,2}|[一二三四五六七八九十]{1,2})月"
    r"(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})日"
)
_SENTENCE = re.compile(r"[。；;！？!?]")
# Where a signature printed on the body's last line starts: after its last sentence.
_LAST_SENTENCE_END = re.compile(f".*{_SENTENCE.pattern}")
# A cover letter's title: 某某局关于报送2020年度政府信息公开工作年度报告的函.
_COVER_LETTER = rf"^(?P<body>.+?)关于[^年]*?{_YEAR}年度?"
# The shortest abbreviation of a body taken to name it (区公安局 for 平潭综合实验区公安局).
_MIN_ABBREVIATION = 3
_NOT_IN_NAME = re.compile(r"[、，,：:]")


@lru_cache(maxsize=1)
def _cfg() -> dict[str, Any]:
    return load_yaml("regions.yaml")


def _compact(text: str) -> str:
    return _SPACE.sub("", text)


def _year_value(word: str) -> int:
    return int(word.translate(_CN_YEAR_DIGITS))


def _small_number(word: str) -> int:
    return int(word) if word.isdigit() else chinese_number(word)


def parse_date(text: str) -> str | None:
    """The ISO date of the last date printed in `text` (2023年1月31日, 二〇二三年一月三十一日), if valid."""
    for match in reversed(list(_DATE.finditer(_compact(text)))):
        try:
            return date(
                _year_value(match["y"]), _small_number(match["m"]), _small_number(match["d"])
            ).isoformat()
        except ValueError:
            continue
    return None


# --- title and body --------------------------------------------------------------------------------


def _is_title_line(compact: str) -> bool:
    cfg = _cfg()
    return (
        len(compact) <= cfg["title_max_chars"]
        and not _SENTENCE.search(compact)
        and any(w in compact for w in cfg["title_words"])
    )


def _is_title_prefix(compact: str) -> bool:
    return (
        0 < len(compact) <= _cfg()["title_prefix_max_chars"]
        and not _SENTENCE.search(compact)
        and not re.search(r"[，,：:]", compact)
        and _DATE.search(compact) is None
    )


def _title_lines(lines: Sequence[str], *, limit: int = 15) -> list[int]:
    """Indexes of the title's lines among the first non-blank lines: the title line and the body
    line(s) printed just above it."""
    seen: list[int] = []
    for i, raw in enumerate(lines):
        compact = _compact(raw)
        if not compact:
            continue
        if _is_title_line(compact):
            prefix = [j for j in seen[-2:] if _is_title_prefix(_compact(lines[j]))]
            return [*prefix, i]
        seen.append(i)
        if len(seen) >= limit or re.match(r"^[一二三四五六][、.．]|^[（(]一[）)]", compact):
            break
    return []


def find_title(lines: Sequence[str]) -> str | None:
    """The report's title as printed (lines of a title printed on several lines joined), if it has one;
    in a crawler dump the header's 标题 (its value, without the field name)."""
    header = read_header(lines)
    if header is not None:
        if header.value("title"):
            return header.value("title")
        lines = lines[header.end :]
    indexes = _title_lines(lines)
    return "".join(lines[i].strip() for i in indexes) or None


def _has_body_suffix(name: str) -> bool:
    return any(name.endswith(s) for s in _cfg()["body_suffixes"])


def _body_from_title(title: str) -> str | None:
    compact = _compact(title)
    patterns = (
        rf"^(?P<body>.+?)(?:关于)?{_YEAR}年度?",
        rf"^(?:关于)?{_YEAR}年度?(?P<body>.+?)(?:政府信息公开|政务公开|信息公开)",
        _COVER_LETTER,
    )
    for pattern in patterns:
        match = re.match(pattern, compact)
        if match and _has_body_suffix(match["body"]):
            return match["body"]
    return None


def _signature(lines: Sequence[str]) -> tuple[str | None, str | None, str]:
    """(body, ISO date, evidence) of the closing signature: a body line and a date line at the end."""
    tail = [_closing(raw) for raw in lines if raw.strip()][-_cfg()["signature_lines"] :]
    for i in range(len(tail) - 1, -1, -1):
        compact = _compact(tail[i])
        match = _DATE.search(compact)
        if not match or match.end() != len(compact) or len(compact) > 50:
            continue
        iso = parse_date(compact)
        body = _signed_name(_raw_prefix(tail[i], match.start()))
        if body is None and i > 0 and _is_title_prefix(_compact(tail[i - 1])):
            candidate = _compact(tail[i - 1])
            body = candidate if _has_body_suffix(candidate) else None
        evidence = "\n".join(tail[max(0, i - 1) : i + 1]) if body else tail[i]
        return body, iso, evidence
    return None, None, ""


def _raw_prefix(raw: str, kept: int) -> str:
    """The start of `raw` that holds its first `kept` characters other than white space."""
    seen = 0
    for i, ch in enumerate(raw):
        if seen == kept:
            return raw[:i]
        seen += not _SPACE.match(ch)
    return raw


def _signed_name(before: str) -> str | None:
    """The body named before a closing date: all of `before`, else its last word (a one-line body
    ends `…事项无 平潭综合实验区公安局 2020年1月17日`)."""
    for candidate in (before, *before.split()[-1:]):
        name = _compact(candidate)
        if _is_signed_name(name):
            return name
    return None


def _is_signed_name(text: str) -> bool:
    """Whether the text before a closing date is a body's name. Not when it holds a list comma or a
    colon: on a one-line body that is the end of the last section (六、其他需要报告的事项暂无某某局)."""
    return bool(text) and _has_body_suffix(text) and _NOT_IN_NAME.search(text) is None


def _closing(raw: str) -> str:
    """A line as far as a signature may reach: a body printed on one line (crawler dumps) ends
    `…情况。 平潭综合实验区公安局2022年1月7日`, whose signature is what follows the last sentence."""
    stripped = raw.strip()
    last = _LAST_SENTENCE_END.match(stripped)
    return stripped[last.end() :].strip() if last else stripped


def _compiler(text: str) -> tuple[str | None, str]:
    match = re.search(_cfg()["compiler"], _compact(text[:2000]))
    if match and _has_body_suffix(match["body"]):
        return match["body"], match.group(0)
    return None, ""


# --- region ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Place:
    province: str | None
    city: str | None
    county: str | None
    adcode: str | None
    county_pos: int = -1
    city_pos: int = -1
    province_pos: int = -1

    @property
    def rank(self) -> int:
        return 2 if self.county else 1 if self.city else 0 if self.province else -1


def _value(v: object) -> str | None:
    return v if isinstance(v, str) and v else None


def _pos(v: object) -> int:
    return int(v) if isinstance(v, int | float) and v == v else -1  # NaN != NaN


def _places(records: list[dict[str, Any]]) -> list[_Place]:
    return [
        _Place(
            province=_value(r.get("省")),
            city=_value(r.get("市")),
            county=_value(r.get("区")),
            adcode=_value(r.get("adcode")),
            county_pos=_pos(r.get("区_pos", -1)),
            city_pos=_pos(r.get("市_pos", -1)),
            province_pos=_pos(r.get("省_pos", -1)),
        )
        for r in records
    ]


def _text_records(text: str) -> list[dict[str, Any]]:
    """cpca.transform_text_with_addrs(text, pos_sensitive=True) as records, without pandas: the same
    generator (cpca is pinned), the same filter; pandas only shaped the rows into a frame we took apart
    again, and importing it cost a third of a second. No place named → [] (cpca's frame raised KeyError)."""
    import cpca  # loads its gazetteer (a tenth of a second): only when metadata is read

    found = cpca._extract_addrs(text, True, {}, truncate_pos=False, new_entry_when_not_belong=True)
    return [record for record in found if record[cpca._ADCODE] is not None]


def _name_record(name: str, *, umap: dict[str, str]) -> dict[str, Any]:
    """cpca.transform([name], umap=umap)'s one row as a record, without pandas."""
    import cpca

    return dict(cpca._get_one_addr(name, False, umap))


def _mentions(text: str) -> list[_Place]:
    """Places the text names (cpca), without the bare words 县/区 it mistakes for places."""
    try:
        records = _text_records(text)
    except KeyError:  # as before, when cpca.transform_text_with_addrs raised it
        return []
    ignore = set(_cfg()["ignore_mentions"])
    places = _places(records)
    return [
        p
        for p in places
        if p.rank >= 0
        and not (p.county is None and p.city in ignore and p.province_pos < 0)
        and _spelled_out(p, text)
    ]


def _spelled_out(place: _Place, text: str) -> bool:
    """Whether a county named alone is printed with its full name. cpca also matches a county-level
    city without its 市, which in running text is nearly always part of a word: 开平 in 公开平台,
    合作 in 政社合作、多元参与 (every such match in the bundled reports and fixtures was one)."""
    if place.county is None or place.city_pos >= 0 or place.province_pos >= 0:
        return True
    return text.startswith(place.county, place.county_pos)


def _resolve_name(name: str, *, umap: dict[str, str]) -> _Place | None:
    places = _places([_name_record(name, umap=umap)])
    return places[0] if places and places[0].rank >= 0 else None


def _qualified_counties(mentions: Sequence[_Place]) -> dict[str, str]:
    """County name → adcode for counties the text names with their city or province (北京市朝阳区): the
    reading cpca should prefer for a bare 朝阳区."""
    return {
        p.county: p.adcode
        for p in mentions
        if p.county and p.adcode and (p.city_pos >= 0 or p.province_pos >= 0)
    }


def _most_named(mentions: Sequence[_Place]) -> _Place | None:
    """The most specific place the text names most often (ties: the one named first)."""
    for rank in (2, 1, 0):
        at_rank = [p for p in mentions if p.rank == rank and p.adcode]
        if at_rank:
            counts = Counter(p.adcode for p in at_rank)
            best = max(counts.values())
            return next(p for p in at_rank if counts[p.adcode] == best)
    return None


def _region(place: _Place) -> Region:
    placeholders = set(_cfg()["city_placeholders"])
    city = place.city
    if city in placeholders:
        municipality = place.province and place.province.endswith("市")
        city = place.province if municipality else None
    return Region(province=place.province, city=city, county=place.county, adcode=place.adcode)


def resolve_region(name: str | None, text: str) -> tuple[Region, str]:
    """The region of a body called `name` in a report reading `text`, and the text it was read from."""
    mentions = _mentions(text)
    if name:
        place = _resolve_name(name, umap=_qualified_counties(mentions))
        if place is not None:
            return _region(place), name
    best = _most_named(mentions)
    if best is None:
        return Region(), ""
    pos = max(best.county_pos, best.city_pos, best.province_pos)
    return _region(best), text[max(0, pos - 10) : pos + 20].replace("\n", " ")


# --- level -----------------------------------------------------------------------------------------


def _level_of_place(place: str, region: Region) -> Level:
    if place.endswith("市"):
        if region.adcode and region.adcode.endswith("0000"):
            return "province"
        return "county" if region.county and place.endswith(region.county) else "city"
    for suffix, level in _cfg()["place_levels"]:
        if place.endswith(suffix):
            return level  # type: ignore[no-any-return]
    return "unknown"


def _level_of_body(body: str, region: Region) -> Level:
    if any(re.search(p, body) for p in _cfg()["township_bodies"]):
        return "township"
    government = re.match(_cfg()["government"], body)
    if government:
        return _level_of_place(government["place"], region)
    return "department" if _has_body_suffix(body) else "unknown"


def _level_from_text(text: str, region: Region) -> tuple[Level, str]:
    counts = {level: sum(text.count(w) for w in words) for level, words in _cfg()["self_reference"].items()}
    level, count = max(counts.items(), key=lambda kv: kv[1])
    if count:
        return level, f"{'/'.join(_cfg()['self_reference'][level])} ×{count}"
    if region.county:
        return _level_of_place(region.county, region), region.county
    if region.city:
        return "city", region.city
    return ("province", region.province) if region.province else ("unknown", "")


# --- year ------------------------------------------------------------------------------------------


def _year(title: str | None, text: str, *, signed: str | None) -> tuple[int | None, str]:
    if title:
        match = re.search(rf"{_YEAR}年", _compact(title))
        if match:
            return _year_value(match["year"]), title
    period = re.search(_cfg()["period"], text)
    if period:
        return int(period.group(1)), period.group(0)
    return _most_named_year(text, signed=signed)


def _most_named_year(text: str, *, signed: str | None) -> tuple[int | None, str]:
    years = Counter(int(m.group(1)) for m in re.finditer(r"((?:19|20)\d{2})\s*年", text))
    if signed:
        years[int(signed[:4])] -= 1  # the signature's own year is not evidence of the report's
    candidates = [(n, y) for y, n in years.items() if n > 0]
    if not candidates:
        return None, ""
    count, year = max(candidates)
    return year, f"{year}年 ×{count}"


# --- the whole ---------------------------------------------------------------------------------------


def _head_lines(lines: Sequence[str], sections: Sequence[Section]) -> Sequence[str]:
    preamble = next((s for s in sections if s.key == "preamble"), None)
    return preamble.text.split("\n") if preamble else lines


def _body_found(title: str | None, signed: tuple[str | None, str], text: str) -> tuple[str | None, str]:
    """The issuing body and its evidence: from the title, else the closing signature (`signed`: its body
    and evidence), else the compiler named in the text."""
    body = _body_from_title(title) if title else None
    if body:
        return body, title or ""
    if signed[0]:
        return signed
    return _compiler(text)


def _same_body(a: str, b: str) -> bool:
    """Whether two names name one body: equal, or one the other's abbreviation (区公安局)."""
    short, full = sorted((a, b), key=len)
    return len(short) >= _MIN_ABBREVIATION and _has_body_suffix(short) and full.endswith(short)


def _with_issuer(
    found: tuple[str | None, str], header: CrawlerHeader | None, text: str
) -> tuple[str | None, str]:
    """The body `found` in the report, checked against the crawler's 发布机构: it is used only when it
    agrees (then the fuller name is kept), or, with no body found, when the text names it."""
    issuer = _compact(header.value("issuer") or "") if header else ""
    body, evidence = found
    if header is None or not issuer:
        return found
    if body and _same_body(body, issuer):
        return max(body, issuer, key=len), f"{header.line('issuer')}\n{evidence}"
    if body is None and _has_body_suffix(issuer) and issuer in _compact(text):
        return issuer, header.line("issuer")
    return found


def _publication(header: CrawlerHeader | None, signed: str | None, signature: str) -> tuple[str | None, str]:
    """The publication date: the crawler's 发布时间 when it holds a date, else the signature's date."""
    published = header.published() if header else None
    if header is not None and published:
        return published, header.line("published")
    return signed, signature if signed else ""


def read_metadata(
    lines: Sequence[str], *, sections: Sequence[Section] = (), source: str | None = None
) -> ReportMeta:
    """Issuing body, region, level, year and publication date of a report, each with its evidence."""
    header = read_header(lines)
    narrative = lines[header.end :] if header else lines  # the crawler's own lines are not the report's
    text = "\n".join(narrative)
    evidence: dict[str, str] = {}
    title = find_title(_head_lines(lines, sections))
    signed_body, signed, signature = _signature(narrative)
    found = _body_found(title, (signed_body, signature), text)
    body, evidence["issuing_body"] = _with_issuer(found, header, text)
    region, region_evidence = resolve_region(body, text)
    if region_evidence:
        evidence["region"] = region_evidence
    if body:
        level: Level = _level_of_body(body, region)
        evidence["level"] = body
    else:
        level, evidence["level"] = _level_from_text(text, region)
    year, evidence["year"] = _year(title, text, signed=signed)
    published, evidence["publication_date"] = _publication(header, signed, signature)
    return ReportMeta(
        issuing_body=body,
        region=region,
        level=level,
        year=year,
        publication_date=published,
        evidence={k: v for k, v in evidence.items() if v},
    )
