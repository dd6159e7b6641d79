"""Claims: what the prose says the tables hold, and whether the tables agree.

`get_nlp()` is a spaCy pipeline (blank "zh", jieba segmenter, our registered components) built from
configs/spacy.cfg; claims.yaml holds the metric phrases, readings and scope cues.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from functools import lru_cache
from typing import Any

import spacy
from spacy.language import Language

from nlp.claims import pipeline as _pipeline  # registers the factories and govreport.claim_patterns.v1
from nlp.claims.extract import claims_from_report, claims_from_text
from nlp.claims.verify import VerifyConfig, verify_all
from nlp.config import config_path, load_yaml
from nlp.errors import ErrorCode, GovReportError
from nlp.schema import Claim, Report, SectionKey

__all__ = ["extract_claims", "extract_claims_from_text", "get_nlp", "verify_claims", "verify_config"]

_REGISTERED = _pipeline.claim_patterns_v1


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """The claims pipeline, built once from configs/spacy.cfg."""
    path = config_path("spacy.cfg")
    try:
        config = spacy.util.load_config(path)
    except (OSError, ValueError) as exc:
        raise GovReportError(
            ErrorCode.CONFIG_INVALID, f"cannot read spacy.cfg: {exc}", source=str(path)
        ) from exc
    return spacy.util.load_model_from_config(config, auto_fill=True, validate=True)


def extract_claims_from_text(
    text: str, *, offset: int = 0, first_line: int = 1, section: SectionKey | None = None
) -> list[Claim]:
    """Every quantitative statement of `text` about the tables (table rows in the text are skipped)."""
    return claims_from_text(get_nlp(), text, offset=offset, first_line=first_line, section=section)


def extract_claims(report: Report) -> list[Claim]:
    """The claims of every section of the report; spans are offsets into the report's text."""
    return claims_from_report(get_nlp(), report)


def _row_labels(labels: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    rows = labels.get("tables", {}).get("applications", {}).get("rows", [])
    return {r["key"]: (r["label"], *r.get("variants", [])) for r in rows if "key" in r and "label" in r}


@lru_cache(maxsize=1)
def verify_config() -> VerifyConfig:
    """claims.yaml's verification part (and labels.yaml's row labels for alignment), compiled once."""
    config, labels = load_yaml("claims.yaml"), load_yaml("labels.yaml")
    try:
        return VerifyConfig(
            metrics=dict(config["metrics"]),
            money_factor={unit: Decimal(str(f)) for unit, f in config.get("money_factor", {}).items()},
            row_labels=_row_labels(labels),
            align_threshold=float(config.get("align_threshold", 70)),
            scope_cues=tuple(
                (c["cue"], re.compile(c["regex"]), c.get("when", "any")) for c in config.get("scope_cues", [])
            ),
            department_body=re.compile(config.get("department_body", "$^")),
            applicant_columns=tuple(map(str, config.get("applicant_columns", []))),
        )
    except (KeyError, TypeError, re.error) as exc:
        raise GovReportError(ErrorCode.CONFIG_INVALID, f"claims.yaml metrics/scope_cues: {exc}") from exc


def _tokenize(text: str) -> list[str]:
    return [t.text for t in get_nlp().tokenizer(text) if not t.is_space]


def verify_claims(claims: Sequence[Claim], report: Report) -> list[Claim]:
    """Each claim with verdict, reading, readings_tried, cells and scope_cue filled in."""
    return verify_all(claims, report, verify_config(), tokenize=_tokenize)
