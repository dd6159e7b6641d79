"""GET /api/facets: the facet names a search can count, and display titles for flag values.

Flags on passages are lint rule ids (T3-BALANCE, …) plus report-level flags; the page shows their
Chinese titles from configs/rules.yaml, read here so the page never hard-codes the rule catalogue.
"""

from __future__ import annotations

from fastapi import APIRouter

from indexer.query import FACET_NAMES
from nlp.config import load_yaml
from search_api.deps import SettingsDep
from search_api.models import FacetInfo

__all__ = ["flag_titles", "router"]

router = APIRouter(tags=["facets"])


def flag_titles(rules_config: dict[str, object]) -> dict[str, dict[str, str]]:
    """Rule id → {"zh": title_zh, "en": title_en} from a parsed rules.yaml; malformed entries skipped."""
    rules = rules_config.get("rules")
    titles: dict[str, dict[str, str]] = {}
    if not isinstance(rules, dict):
        return titles
    for rule_id, entry in rules.items():
        if isinstance(entry, dict) and isinstance(entry.get("title_zh"), str):
            titles[str(rule_id)] = {"zh": entry["title_zh"], "en": str(entry.get("title_en") or rule_id)}
    return titles


@router.get("/facets", response_model=FacetInfo)
def facet_info(settings: SettingsDep) -> FacetInfo:
    titles = flag_titles(load_yaml("rules.yaml", config_dir=settings.config_dir))
    return FacetInfo(names=list(FACET_NAMES), flag_titles=titles)
