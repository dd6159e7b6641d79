"""Claim rules: the prose's numbers against the tables, as verified by nlp.claims.

A contradicted claim is an error (C-CONTRADICTED), or a warning (C-SCOPE) when its sentence carries a
scope cue; a supported claim gives no finding; an unverifiable one at most an info. nlp.claims (spaCy)
is imported only when claims are asked for, so the table rules work without it.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

from nlp.lint.catalogue import lint_config, make_finding
from nlp.lint.names import metric_name, reading_name
from nlp.schema import Claim, Finding, Report

__all__ = ["claim_findings", "verified_claims"]

_REGROUPED = "regrouped:"  # readings that only explain a contradiction (nlp.claims.verify)


def verified_claims(report: Report) -> list[Claim]:
    """Every claim of the report's prose with its verdict (nlp.claims does the work).

    Returns no claims while nlp.claims is not installed, so the table rules run on their own.
    """
    try:
        claims = importlib.import_module("nlp.claims")
        extract, verify = claims.extract_claims, claims.verify_claims
    except (ImportError, AttributeError):
        return []
    return list(verify(extract(report), report))


def claim_findings(claims: Sequence[Claim], *, source: str) -> list[Finding]:
    with_unverifiable = bool((lint_config().get("claims") or {}).get("report_unverifiable", True))
    found: list[Finding] = []
    for claim in claims:
        if claim.verdict == "contradicted":
            found.append(_contradiction(claim, source=source))
        elif claim.verdict == "unverifiable" and with_unverifiable:
            found.append(_unverifiable(claim, source=source))
    return found


def _readings(claim: Claim) -> tuple[str, str]:
    tried = [(name, value) for name, value in claim.readings_tried.items()]
    if not tried:
        return "无可用读法", "no reading of the tables applies"
    # people read the Chinese message: readings are named by their rows, not by their keys
    zh = "；".join(
        f"{reading_name(claim.metric, name)} = {'缺' if value is None else value}" for name, value in tried
    )
    en = "; ".join(f"{name} = {'missing' if value is None else value}" for name, value in tried)
    return zh, en


def _stated(claim: Claim) -> str:
    unit = claim.unit or ""
    return f"{claim.value}{unit}" if not claim.negative else f"0{unit}（未发生）"


def _contradiction(claim: Claim, *, source: str) -> Finding:
    cue = claim.scope_cue or None
    tried_zh, tried_en = _readings(claim)
    scope_zh = f"句中有口径提示「{cue}」，所指范围可能与表格不同。" if cue else ""
    scope_en = (
        f" The sentence carries the scope cue {cue!r}: it may count something else than the table."
        if cue
        else ""
    )
    values = sorted(
        {str(v) for k, v in claim.readings_tried.items() if v is not None and not k.startswith(_REGROUPED)}
    )
    reasons = [part for part in (claim.reading or "").split("; ") if " holds: " in part]
    why = f" Regrouped: {'; '.join(reasons)}." if reasons else ""
    return make_finding(
        "C-SCOPE" if cue else "C-CONTRADICTED",
        message_zh=f"文字称「{metric_name(claim.metric)}」为 {_stated(claim)}，表格的各种读法均不符："
        + f"{tried_zh}。{scope_zh}"
        + ("文字的分组与模板不同。" if reasons else ""),
        message_en=f"The prose states {claim.metric} = {claim.value}, which no reading of the tables "
        f"supports ({tried_en}).{scope_en}{why}",
        source=source,
        cells=claim.cells,
        span=claim.span,
        text=claim.sentence,
        correction=(f"the tables give {' or '.join(values)}" if values else None),
        detail={
            "metric": claim.metric,
            "value": claim.value,
            "readings_tried": dict(claim.readings_tried),
            "scope_cue": cue,
            "regrouped": reasons,
        },
    )


def _unverifiable(claim: Claim, *, source: str) -> Finding:
    return make_finding(
        "C-UNVERIFIABLE",
        message_zh=f"文字称「{metric_name(claim.metric)}」为 {_stated(claim)}，表格中缺少核对所需的单元格。",
        message_en=f"The prose states {claim.metric} = {claim.value}; the tables lack the cells to check it.",
        source=source,
        cells=claim.cells,
        span=claim.span,
        text=claim.sentence,
        detail={"metric": claim.metric, "value": claim.value, "readings_tried": dict(claim.readings_tried)},
    )
