"""`govreport check PATH... [--format text|json] [--rule R]... [--ignore-rule R]... [--min-severity S]`.

Exit status, like a linter's: 0 when no error-level finding is left after filtering, 1 when one is,
2 when some file could not be read at all (named on stderr with the reason; the rest of the batch is
still checked, and 2 wins over 1 because the batch could not be vouched for).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from nlp.errors import GovReportError
from search_api.commands.common import extract_files, print_problems, resolve_inputs

if TYPE_CHECKING:
    from nlp.lint import CheckResult
    from nlp.schema import Claim, Finding, Report

__all__ = ["CheckFormat", "check_command", "register"]


class CheckFormat(StrEnum):
    text = "text"
    json = "json"


class MinSeverity(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"


def check_command(
    paths: Annotated[list[str], typer.Argument(help="Files, directories (read recursively) or globs.")],
    output_format: Annotated[
        CheckFormat, typer.Option("--format", help="text (grouped by file) or json.")
    ] = (CheckFormat.text),
    rule: Annotated[list[str] | None, typer.Option("--rule", help="Only this rule (repeatable).")] = None,
    ignore_rule: Annotated[
        list[str] | None, typer.Option("--ignore-rule", help="Skip this rule (repeatable).")
    ] = None,
    min_severity: Annotated[
        MinSeverity, typer.Option("--min-severity", help="Report findings at or above: error, warning, info.")
    ] = MinSeverity.info,
    claims: Annotated[
        bool, typer.Option("--claims/--no-claims", help="Check the prose's numbers too.")
    ] = True,
) -> None:
    """Check each report's arithmetic, structure and narrative claims against its tables."""
    from nlp.lint import filter_findings

    _validate_rules([*(rule or []), *(ignore_rule or [])])
    read, unread = _read_all(paths)
    results, not_checked = _check_all(read, with_claims=claims)
    reports = [r for r in read if r.sha256 in results]
    unread += not_checked
    shown = [
        (
            report,
            filter_findings(
                results[report.sha256].findings,
                rules=rule or [],
                ignore_rules=ignore_rule or [],
                min_severity=min_severity.value,
            ),
        )
        for report in reports
    ]
    if output_format is CheckFormat.json:
        _print_json([(r, f, results[r.sha256].claims) for r, f in shown])
    else:
        _print_text(shown)
    if unread:
        raise typer.Exit(code=2)
    if any(f.severity == "error" for _, found in shown for f in found):
        raise typer.Exit(code=1)


def _validate_rules(rules: Sequence[str]) -> None:
    from nlp.lint import load_catalogue

    unknown = sorted(set(rules) - set(load_catalogue()))
    if unknown:
        raise typer.BadParameter(f"unknown rule(s): {', '.join(unknown)} (see configs/rules.yaml)")


def _check_all(reports: Sequence[Report], *, with_claims: bool) -> tuple[dict[str, CheckResult], int]:
    """Each report's result within the per-file time budget; a report that fails it is named on stderr
    and counted, and the others are still checked."""
    from search_api.guard import check_guarded

    results: dict[str, CheckResult] = {}
    failed = 0
    for report in reports:
        try:
            results[report.sha256] = check_guarded(report, reports, with_claims=with_claims)
        except GovReportError as exc:
            print_problems([exc.to_problem()])
            failed += 1
    return results, failed


def _read_all(paths: Sequence[str]) -> tuple[list[Report], int]:
    """Every readable report (duplicates by content once); the count of arguments or files not read."""
    files, unread = resolve_inputs(paths)
    reports: dict[str, Report] = {}
    for report in extract_files(files, unread=unread):
        reports.setdefault(report.sha256, report)
    return list(reports.values()), len(unread)


def _print_json(items: Sequence[tuple[Report, list[Finding], list[Claim]]]) -> None:
    payload = {
        "reports": [
            {
                "source": report.source,
                "findings": [f.model_dump(mode="json") for f in findings],
                "claims": [c.model_dump(mode="json") for c in claims],
            }
            for report, findings, claims in items
        ]
    }
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")


def _print_text(items: Sequence[tuple[Report, list[Finding]]]) -> None:
    for report, findings in items:
        print(report.source)
        for finding in findings:
            print(_format_finding(finding))
        counts = Counter(f.severity for f in findings)
        print(f"  {counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} info\n")


def _format_finding(finding: Finding) -> str:
    lines = sorted(
        {c.line for c in finding.cells if c.line} | ({finding.span.line} if finding.span else set())
    )
    where = f" (line {', '.join(map(str, lines))})" if lines else ""
    indent = "\n" + " " * 10
    text = f"  {finding.severity:<7} {finding.rule}{where}"
    text += f"{indent}{finding.message_zh}{indent}{finding.message_en}"
    if finding.text and finding.span:
        text += f"{indent}「{finding.text.strip()}」"
    return text


def register(app: typer.Typer) -> None:
    app.command("check")(check_command)
