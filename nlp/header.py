"""The header block a web crawler writes above a page it saved, read as metadata rather than as text.

A crawler dump starts with `标题: …`, `发布时间: 2022-01-14 17:29`, `文号:`, `发布机构: …`, `栏目:`,
`原文链接:`, `本地目录:` lines, a note on the crawler's own files and a rule `==== 正文 ====`; the page
body follows. These lines are the crawler's, not the report's: metadata takes the title, publication
time and issuer from them, and sections keep them out of the narrative (they are not passages, and no
heading is looked for in them). Field names and the rule are configured in `configs/regions.yaml`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Literal

from nlp.config import load_yaml

__all__ = ["CrawlerHeader", "HeaderField", "Role", "header_end", "read_header"]

Role = Literal["title", "published", "issuer"]
# 2022-01-14 17:29, 2022/1/14, 2022.01.14, 2022年1月14日: the crawler copies the site's own format.
_DATE = re.compile(r"(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})")


@dataclass(frozen=True)
class HeaderField:
    value: str  # white space around it removed; empty when the crawler left the field blank
    line: str  # the line as printed: the evidence of whatever is read from the field
    index: int  # 0-based line index


@dataclass(frozen=True)
class CrawlerHeader:
    fields: Mapping[Role, HeaderField]
    end: int  # index of the first line after the header (after the rule line when there is one)

    def value(self, role: Role) -> str | None:
        """The field's value, or None when it is missing or blank."""
        found = self.fields.get(role)
        return found.value if found and found.value else None

    def line(self, role: Role) -> str:
        found = self.fields.get(role)
        return found.line.strip() if found else ""

    def published(self) -> str | None:
        """The ISO date of 发布时间 (its time of day dropped), if it holds a valid date."""
        match = _DATE.search(self.value("published") or "")
        if match is None:
            return None
        try:
            return date(int(match["y"]), int(match["m"]), int(match["d"])).isoformat()
        except ValueError:
            return None


@dataclass(frozen=True)
class _Rules:
    field: re.Pattern[str]
    roles: Mapping[str, Role]
    notes: tuple[re.Pattern[str], ...]
    body_rule: re.Pattern[str]
    min_fields: int


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    cfg = load_yaml("regions.yaml")["crawler_header"]
    names = "|".join(re.escape(n) for n in cfg["names"])
    return _Rules(
        field=re.compile(rf"^\s*(?P<name>{names})\s*[:：]\s*(?P<value>.*?)\s*$"),
        roles={name: role for role, name in cfg["fields"].items()},
        notes=tuple(re.compile(p) for p in cfg["notes"]),
        body_rule=re.compile(cfg["body_rule"]),
        min_fields=int(cfg["min_fields"]),
    )


def read_header(lines: Sequence[str]) -> CrawlerHeader | None:
    """The crawler's header at the top of `lines`, or None when the file does not start with one."""
    rules = _rules()
    fields: dict[Role, HeaderField] = {}
    named, end = 0, len(lines)
    for i, raw in enumerate(lines):
        stripped = raw.strip()
        if not stripped or any(p.search(stripped) for p in rules.notes):
            continue
        if rules.body_rule.match(stripped):
            end = i + 1
            break
        match = rules.field.match(raw)
        if match is None:
            end = i
            break
        named += 1
        role = rules.roles.get(match["name"])
        if role is not None and role not in fields:
            fields[role] = HeaderField(value=match["value"], line=raw, index=i)
    return CrawlerHeader(fields=fields, end=end) if named >= rules.min_fields else None


def header_end(lines: Sequence[str]) -> int:
    """Index of the first line after the crawler's header (0 when there is none)."""
    header = read_header(lines)
    return header.end if header else 0
