"""Comparing improvement plans across bodies and years: who promises what, and which plans are copied.

The package's modules, from the bottom up:

* `config` — the knobs of `configs/compare.yaml`, read once and checked;
* `text` — normalising a passage so small edits vanish, scoring two passages, the shared text;
* `minhash` — MinHash signatures and LSH buckets (numpy), for large corpora;
* `index` — which passages to compare (blocking) and how widely each is repeated;
* `plans` — commitments, matches and search flags built from reports (the API re-exported here).
"""

from __future__ import annotations

from nlp.compare.config import CompareConfig, load_compare_config
from nlp.compare.plans import (
    FLAG_ORDER,
    Commitment,
    Comparison,
    KindFilter,
    Match,
    MatchKind,
    PassageRef,
    ReportPlan,
    body_key,
    boilerplate_flags,
    commitment_cues,
    commitments,
    compare_reports,
    find_matches,
    flags_among,
    neighbourhood_key,
)

__all__ = [
    "FLAG_ORDER",
    "Commitment",
    "CompareConfig",
    "Comparison",
    "KindFilter",
    "Match",
    "MatchKind",
    "PassageRef",
    "ReportPlan",
    "body_key",
    "boilerplate_flags",
    "commitment_cues",
    "commitments",
    "compare_reports",
    "find_matches",
    "flags_among",
    "load_compare_config",
    "neighbourhood_key",
]
