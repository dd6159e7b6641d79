"""What one printed table cell holds: a number, nothing, "not applicable", or text.

The difference between a printed 0, an empty cell and "/" matters to the checks downstream, so it is
kept as a `CellKind` next to the value.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from nlp.schema import CellKind

__all__ = ["NOT_APPLICABLE", "is_value_text", "parse_cell"]

NOT_APPLICABLE = frozenset({"/", "／", "—", "-", "－", "——", "--", "―", "─", "无"})
# A number, optionally signed, with thousands separators and decimals, optionally followed by a unit
# and/or a parenthesised annotation: 75,295  -207  8461.5652  251000元  55（含自然失效29件）  12件
_ANNOTATION = re.compile(r"\([^()]*\)")
_SEVERAL_NUMBERS = re.compile(r"\d\s+[-+]?\d")
_NUMBER = re.compile(
    r"^(?P<sign>[+-]?)(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?"
    r"(?:万元|元|件|个|条|项|次|人次|%)?"
    r"(?:\((?P<note>[^()]*)\))?$"
)


# Longer digit runs are no number a report prints, even glued (a crawler's glued table-4 row is 15–17
# digits); Python's int() refuses strings past 4300 digits.
_MAX_DIGITS = 1000


@lru_cache(maxsize=4096)
def parse_cell(raw: str) -> tuple[int | Decimal | None, CellKind]:
    """Read one cell: "" → blank, "/" "—" "无" → not applicable, numbers → int or Decimal, else text."""
    folded = unicodedata.normalize("NFKC", raw)
    if _SEVERAL_NUMBERS.search(_ANNOTATION.sub("", folded)):
        return None, "text"  # "10 1 0": several cells, not one number
    text = "".join(folded.split())
    if not text:
        return None, "blank"
    if text in NOT_APPLICABLE or raw.strip() in NOT_APPLICABLE:
        return None, "not_applicable"
    text = text.replace("，", ",").replace("−", "-").replace("–", "-")
    match = _NUMBER.match(text)
    if not match:
        return None, "text"
    digits = match.group("int").replace(",", "")
    if len(digits) > _MAX_DIGITS:
        return None, "text"  # no count is this long; int() refuses past 4300 digits anyway
    sign = "-" if match.group("sign") == "-" else ""
    frac = match.group("frac")
    if frac is not None:
        try:
            return Decimal(f"{sign}{digits}.{frac}"), "number"
        except InvalidOperation:  # pragma: no cover - the pattern admits only digits
            return None, "text"
    return int(f"{sign}{digits}"), "number"


def is_value_text(raw: str) -> bool:
    """True when `raw` reads as a value cell (a number or a not-applicable mark), not as a label."""
    return parse_cell(raw)[1] in ("number", "not_applicable")
