"""The knobs of plan comparison (`configs/compare.yaml`), read once and checked."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from nlp.config import load_yaml
from nlp.errors import ErrorCode, GovReportError

__all__ = ["CompareConfig", "load_compare_config", "parse_compare_config"]

_CONFIG = "compare.yaml"
NeighbourScope = Literal["city", "province"]


@dataclass(frozen=True)
class CompareConfig:
    min_score: float
    min_chars: int
    marker: re.Pattern[str]
    admin_units: tuple[re.Pattern[str], ...]
    place_suffixes: tuple[str, ...]
    min_shared_run: int
    region_levels: frozenset[str]
    max_year_gap: int
    neighbour_scope: NeighbourScope
    common_min_bodies: int
    common_weight: float
    stock_phrases: tuple[str, ...]
    exhaustive_max_passages: int
    shingle_size: int
    lsh_bands: int
    lsh_rows: int
    lsh_seed: int
    max_bucket_bodies: int
    commitment_cues: tuple[str, ...]


def _invalid(message: str) -> GovReportError:
    return GovReportError(ErrorCode.CONFIG_INVALID, f"{_CONFIG}: {message}")


def _number(data: dict[str, Any], key: str, *, low: float, high: float | None = None) -> float:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _invalid(f"`{key}` must be a number")
    if value < low or (high is not None and value > high):
        raise _invalid(f"`{key}` must lie in [{low}, {high if high is not None else '∞'}]")
    return float(value)


def _strings(data: dict[str, Any], key: str) -> tuple[str, ...]:
    value = data.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise _invalid(f"`{key}` must be a list of non-empty strings")
    return tuple(value)


def _regex(pattern: str, key: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise _invalid(f"`{key}` holds a bad regex {pattern!r}: {exc}") from exc


def _scope(data: dict[str, Any]) -> NeighbourScope:
    scope = data.get("neighbour_scope")
    if scope not in ("city", "province"):
        raise _invalid("`neighbour_scope` must be city or province")
    return scope  # type: ignore[no-any-return]


def _int(data: dict[str, Any], key: str, *, low: int) -> int:
    return int(_number(data, key, low=low))


def parse_compare_config(data: dict[str, Any]) -> CompareConfig:
    """A checked CompareConfig from the YAML mapping; CONFIG_INVALID names the first bad key."""
    marker = data.get("marker_pattern")
    if not isinstance(marker, str):
        raise _invalid("`marker_pattern` must be a regex string")
    return CompareConfig(
        min_score=_number(data, "min_score", low=0, high=100),
        min_chars=_int(data, "min_chars", low=1),
        marker=_regex(marker, "marker_pattern"),
        admin_units=tuple(_regex(p, "admin_unit_patterns") for p in _strings(data, "admin_unit_patterns")),
        place_suffixes=tuple(sorted(_strings(data, "place_suffixes"), key=len, reverse=True)),
        min_shared_run=_int(data, "min_shared_run", low=1),
        region_levels=frozenset(_strings(data, "region_levels")),
        max_year_gap=_int(data, "max_year_gap", low=1),
        neighbour_scope=_scope(data),
        common_min_bodies=_int(data, "common_min_bodies", low=2),
        common_weight=_number(data, "common_weight", low=0, high=1),
        stock_phrases=_strings(data, "stock_phrases"),
        exhaustive_max_passages=_int(data, "exhaustive_max_passages", low=0),
        shingle_size=_int(data, "shingle_size", low=1),
        lsh_bands=_int(data, "lsh_bands", low=1),
        lsh_rows=_int(data, "lsh_rows", low=1),
        lsh_seed=_int(data, "lsh_seed", low=0),
        max_bucket_bodies=_int(data, "max_bucket_bodies", low=2),
        commitment_cues=_strings(data, "commitment_cues"),
    )


@lru_cache(maxsize=8)
def load_compare_config(*, config_dir: Path | None = None) -> CompareConfig:
    """The comparison settings of `configs/compare.yaml` (or of `config_dir`)."""
    return parse_compare_config(load_yaml(_CONFIG, config_dir=config_dir))
