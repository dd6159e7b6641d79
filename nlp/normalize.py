"""Label normalisation: the one `processor` every fuzzy comparison of printed labels goes through.

Printed labels differ in width (（一） vs (一)), white space (商业\\n企业, 第二十条  第（一）项), leading
enumerators (一、 （三） 1. 1、 １．) and quote style; none of that changes which row is meant.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["normalize_label", "split_enumerator"]

_CN_NUM = "一二三四五六七八九十"
# One leading enumerator: 一、 （一） (一) 1. 1、 1） — NFKC has already made digits and brackets half-width.
_ENUMERATOR = re.compile(
    rf"^(?:[{_CN_NUM}]+[、.．]|\([{_CN_NUM}]+\)[、.．]?|\(\d+\)[、.．]?|\d+(?:[、.．](?!\d)|\)))"
)
_WHITESPACE = re.compile(r"\s+")
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "「": '"', "」": '"', "『": '"', "』": '"'})
_BRACKETS = str.maketrans(
    {"【": "[", "】": "]", "〔": "[", "〕": "]", "［": "[", "］": "]", "《": "<", "》": ">"}
)


@lru_cache(maxsize=8192)
def _normalize(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).translate(_QUOTES).translate(_BRACKETS)
    folded = _WHITESPACE.sub("", folded)
    return _ENUMERATOR.sub("", folded, count=1)


def normalize_label(text: str, **kwargs: object) -> str:
    """NFKC (full→half width), no white space, no leading enumerator, one quote and bracket style.

    Accepts (and ignores) keyword arguments so that it can be passed to rapidfuzz as `processor`.
    """
    return _normalize(str(text))


def split_enumerator(text: str) -> tuple[str | None, str]:
    """The label's leading enumerator (normalised, e.g. "(六)", "1.", "三、") and the rest, normalised."""
    folded = _WHITESPACE.sub("", unicodedata.normalize("NFKC", text))
    match = _ENUMERATOR.match(folded)
    return (match.group(0) if match else None), normalize_label(text)
