"""Numbers as the prose prints them: 9, 3 119, 3,119, 75，295, ９, 8461.5652, 三, 十二, 两, 一百零五."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

import cn2an

__all__ = ["NUMBER_PATTERN", "parse_number"]

# Arabic numbers may carry thousands separators or (in PDF text) single spaces between digit groups;
# Chinese numerals use the characters cn2an understands.
_ARABIC = r"[0-9０-９]+(?:[,，][0-9０-９]{3}(?![0-9０-９]))*(?:[.．][0-9０-９]+)?"
_CHINESE = r"[零〇一二两三四五六七八九十百千万亿]+"
NUMBER_PATTERN = re.compile(rf"(?P<arabic>{_ARABIC})|(?P<chinese>{_CHINESE})")
_SEPARATORS = re.compile(r"[,，\s]")


def parse_number(text: str) -> int | Decimal | None:
    """The value of one printed number, or None when it is not one (一是 is not a number here)."""
    cleaned = _SEPARATORS.sub("", unicodedata.normalize("NFKC", text))
    if not cleaned:
        return None
    if re.fullmatch(r"\d+", cleaned):
        return int(cleaned)
    if re.fullmatch(r"\d+\.\d+", cleaned):
        try:
            return Decimal(cleaned)
        except InvalidOperation:
            return None
    return _parse_chinese(cleaned)


def _parse_chinese(text: str) -> int | None:
    if not re.fullmatch(_CHINESE, text):
        return None
    try:
        value = cn2an.cn2an(text.replace("两", "二").replace("〇", "零"), "strict")
    except (ValueError, KeyError, IndexError):
        return None
    return int(value) if float(value).is_integer() else None
