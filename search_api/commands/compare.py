"""`govreport compare PATH... [--format text|json|csv] [--min-score S] [--kind improvement|problem|all]`.

Who promises what (each report's improvement commitments) and which section-五 passages repeat a
passage of the same body's earlier report (copied_prev_year), of a neighbour the same year
(copied_neighbour), or template language everyone writes (common_phrase, ranked last).

Exit status: 0 when every file was read, 1 when some could not be (each named on stderr with the
reason; the rest of the batch is still compared), 2 for bad options.
"""

from __future__ import annotations

import csv
import sys
from collections import Counter
from collections.abc import Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, cast

import typer

from search_api.commands.common import extract_files, resolve_inputs

if TYPE_CHECKING:  # nlp.compare pulls numpy and rapidfuzz: loaded only when the command runs
    from nlp.compare import Comparison, KindFilter, Match, PassageRef
    from nlp.schema import Problem, Region, Report

__all__ = ["CSV_COLUMNS", "CompareFormat", "compare_command", "register"]

_SIDE_COLUMNS = (
    "source",
    "issuing_body",
    "province",
    "city",
    "county",
    "year",
    "passage_kind",
    "marker",
    "line",
    "start",
    "text",
)
CSV_COLUMNS = (
    "kind",
    "score",
    "weight",
    "spread",
    *(f"a_{c}" for c in _SIDE_COLUMNS),
    *(f"b_{c}" for c in _SIDE_COLUMNS),
    "shared",
)


class CompareFormat(StrEnum):
    text = "text"
    json = "json"
    csv = "csv"


class PassageKindOption(StrEnum):
    improvement = "improvement"
    problem = "problem"
    all = "all"


def compare_command(
    paths: Annotated[list[str], typer.Argument(help="Files, directories (read recursively) or globs.")],
    output_format: Annotated[
        CompareFormat, typer.Option("--format", help="text (for people), json, or csv (the matches).")
    ] = CompareFormat.text,
    min_score: Annotated[
        float | None,
        typer.Option(
            "--min-score",
            min=0,
            max=100,
            help="Lowest similarity kept (0–100; default: configs/compare.yaml).",
        ),
    ] = None,
    kind: Annotated[
        PassageKindOption, typer.Option("--kind", help="Passages compared: improvement, problem or all.")
    ] = PassageKindOption.improvement,
) -> None:
    """Compare improvement plans: each report's commitments, then boilerplate pairs, strongest first."""
    from nlp.compare import compare_reports

    reports, unread = _read_all(paths)
    comparison = compare_reports(reports, kind=cast("KindFilter", kind.value), min_score=min_score)
    if output_format is CompareFormat.json:
        sys.stdout.write(comparison.model_dump_json(indent=2) + "\n")
    elif output_format is CompareFormat.csv:
        _print_csv(comparison)
    else:
        _print_text(comparison)
    if unread:
        raise typer.Exit(code=1)


def _read_all(paths: Sequence[str]) -> tuple[list[Report], list[Problem]]:
    files, unread = resolve_inputs(paths)
    return list(extract_files(files, unread=unread)), unread


def _side_row(prefix: str, side: PassageRef) -> dict[str, object]:
    data = side.model_dump(mode="json")
    region = data.pop("region")
    data.update(province=region["province"], city=region["city"], county=region["county"])
    return {f"{prefix}_{c}": data[c] for c in _SIDE_COLUMNS}


def _print_csv(comparison: Comparison) -> None:
    writer = csv.DictWriter(sys.stdout, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for match in comparison.matches:
        row = {"kind": match.kind, "score": match.score, "weight": match.weight, "spread": match.spread}
        writer.writerow({**row, **_side_row("a", match.a), **_side_row("b", match.b), "shared": match.shared})


def _who(source: str, body: str | None, region: Region, year: int | None) -> str:
    places = [region.province, region.city, region.county]
    where = " ".join(dict.fromkeys(p for p in places if p))
    return f"{source} — {body or '(body unknown)'}" + (f" ({where})" if where else "") + f" {year or '?'}"


def _print_commitments(comparison: Comparison) -> None:
    for plan in comparison.reports:
        print(_who(plan.source, plan.issuing_body, plan.region, plan.year))
        if not plan.commitments:
            print("  (no improvement measures found)")
        for item in plan.commitments:
            topics = f"  [{', '.join(item.topics)}]" if item.topics else ""
            print(f"  {item.marker or '·'} {item.headline}{topics}")
            print(f"      cues: {', '.join(item.cues) or '-'}  (line {item.line})")
        print()


def _print_match_pairs(matches: Sequence[Match]) -> None:
    pairs = Counter((m.a.source, m.b.source, m.kind) for m in matches)
    for (a, b, kind), count in sorted(pairs.items(), key=lambda item: (-item[1], item[0])):
        print(f"  {a} ← {b}: {count} {kind} passage(s)")


def _print_matches(matches: Sequence[Match]) -> None:
    for m in matches:
        a, b = m.a, m.b
        print(f"{m.kind:<17} score {m.score:5.1f}  weight {m.weight:.2f}  spread {m.spread}")
        print(f"  a: {a.source}:{a.line} ({a.year or '?'} {a.marker or a.passage_kind}) {a.text}")
        print(f"  b: {b.source}:{b.line} ({b.year or '?'} {b.marker or b.passage_kind}) {b.text}")
        print(f"  shared: 「{m.shared}」\n")


def _print_text(comparison: Comparison) -> None:
    print("== Commitments (who promises what) ==\n")
    _print_commitments(comparison)
    matches = comparison.matches
    print(f"== Repeated passages: {len(matches)} match(es), strongest first ==")
    if matches:
        _print_match_pairs(matches)
        print()
        _print_matches(matches)


def register(app: typer.Typer) -> None:
    app.command("compare")(compare_command)
