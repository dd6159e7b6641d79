"""The rule catalogue (configs/rules.yaml) and the one constructor of findings.

Every finding is built by `make_finding`, which takes its severity from the catalogue, so a user who
moves a rule from error to warning in rules.yaml changes every finding of that rule at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from nlp.config import load_yaml
from nlp.errors import ErrorCode, GovReportError
from nlp.schema import Finding, FindingCell, Severity, Span

__all__ = [
    "SEVERITY_RANK",
    "RuleInfo",
    "lint_config",
    "load_catalogue",
    "make_finding",
    "rule_for_problem",
]

SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}
_RULES_FILE = "rules.yaml"


@dataclass(frozen=True)
class RuleInfo:
    id: str
    title_zh: str
    title_en: str
    severity: Severity
    description: str


def lint_config() -> dict[str, Any]:
    """The whole of configs/rules.yaml (cached by nlp.config; treat as read-only)."""
    return load_yaml(_RULES_FILE)


def _rule_from_entry(rule_id: str, entry: object) -> RuleInfo:
    if not isinstance(entry, dict) or entry.get("severity") not in SEVERITY_RANK:
        raise GovReportError(
            ErrorCode.CONFIG_INVALID, f"{_RULES_FILE}: rule {rule_id} needs a valid severity"
        )
    return RuleInfo(
        id=rule_id,
        title_zh=str(entry.get("title_zh", "")),
        title_en=str(entry.get("title_en", "")),
        severity=cast(Severity, entry["severity"]),
        description=" ".join(str(entry.get("description", "")).split()),
    )


def load_catalogue() -> dict[str, RuleInfo]:
    """Rule id → its catalogue entry, in the order rules.yaml lists them."""
    rules = lint_config().get("rules")
    if not isinstance(rules, dict):
        raise GovReportError(ErrorCode.CONFIG_INVALID, f"{_RULES_FILE} must hold a `rules` mapping")
    return {str(rule_id): _rule_from_entry(str(rule_id), entry) for rule_id, entry in rules.items()}


def rule_for_problem(code: str) -> str:
    """The rule a reader's problem code is reported under (S-OTHER for codes the catalogue does not map)."""
    mapping = lint_config().get("problem_rules") or {}
    return str(mapping.get(code, "S-OTHER"))


def make_finding(
    rule: str,
    *,
    message_zh: str,
    message_en: str,
    source: str | None = None,
    cells: Sequence[FindingCell] = (),
    span: Span | None = None,
    text: str | None = None,
    correction: str | None = None,
    detail: dict[str, object] | None = None,
    severity: Severity | None = None,
) -> Finding:
    """A finding of `rule`, with the catalogue's severity unless one is given explicitly."""
    catalogue = load_catalogue()
    if rule not in catalogue:
        raise GovReportError(ErrorCode.CONFIG_INVALID, f"rule {rule} is not in {_RULES_FILE}")
    return Finding(
        rule=rule,
        severity=severity or catalogue[rule].severity,
        message_zh=message_zh,
        message_en=message_en,
        source=source,
        cells=list(cells),
        span=span,
        text=text,
        correction=correction,
        detail=dict(detail or {}),
    )
