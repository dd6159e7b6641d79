"""C-YEAR measured on the real texts: how many reports have a year to check against (from their title), how
many sentences state the report's year (the report naming itself, the statistics period), and which are
flagged, each printed so that a reviewer can read every hit.

.venv/bin/python bench/report_year.py [PATH ...]
(default: samples/crawler/*.txt, samples/seeds/*.txt, samples/real/*.pdf and the published page
tests/fixtures/real/*.html, a copy of /work/shared/corpus/real/crawler_dumps/*.html)
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from nlp.extract import extract_path
from nlp.lint.year_rules import mentions_in_report, report_year_findings, report_year_source

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = [
    *sorted((ROOT / "samples" / "crawler").glob("*.txt")),
    *sorted((ROOT / "samples" / "seeds").glob("*.txt")),
    *sorted((ROOT / "samples" / "real").glob("*.pdf")),
    *sorted((ROOT / "tests" / "fixtures" / "real").glob("*.html")),
]


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or DEFAULT
    sentences: Counter[str] = Counter()
    checked = flagged = 0
    for path in paths:
        report = extract_path(path)
        source = report_year_source(report)
        mentions = mentions_in_report(report)
        findings = report_year_findings(report)
        checked += source is not None
        sentences.update(m.kind for m in mentions)
        flagged += len(findings)
        where = source.source if source else "not checked (year not from the title)"
        counts = f"{len(mentions)} sentence(s), {len(findings)} flagged"
        print(f"{path.name}: year {report.year}, {where}, {counts}")
        for mention in mentions:
            print(f"    {mention.kind:<11} {','.join(map(str, mention.years))}  {mention.phrase}")
        for finding in findings:
            print(f"    FLAGGED line {finding.span.line if finding.span else '?'}: {finding.text}")
    kinds = f"{sentences['self_naming']} self-naming, {sentences['period']} statistics periods"
    print(
        f"\n{len(paths)} texts, {checked} with a year from the title; "
        f"{sum(sentences.values())} year-stating sentences ({kinds}); {flagged} flagged"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
