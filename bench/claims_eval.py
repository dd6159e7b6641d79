"""Claim extraction measured on the hand-labelled sets: precision and recall per set, and where the labels
carry verdicts, the verdicts against each sentence's report.

/work/.venv/bin/python bench/claims_eval.py [--quiet] [SET.jsonl ...]
(default: every tests/data/claims_*.jsonl)
"""

from __future__ import annotations

import sys
import time
from functools import cache
from pathlib import Path

from nlp.claims import extract_claims_from_text, get_nlp, verify_claims
from nlp.claims.evaluation import Scores, VerdictScores, load_labelled, score_labelled, score_verdicts
from nlp.errors import GovReportError
from nlp.extract import extract_path
from nlp.schema import Report

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"


@cache
def report_for(source: str) -> Report | None:
    """The report a labelled sentence comes from, when `source` names a readable file of the project."""
    path = ROOT / source
    if not source or not path.is_file():
        return None
    try:
        return extract_path(path)
    except GovReportError:
        return None


def _details(scores: Scores, verdicts: VerdictScores) -> list[str]:
    lines = [f"  missed  {m}={v}  in {s[:60]}" for s, (m, v) in scores.misses]
    lines += [f"  extra   {m}={v}  in {s[:60]}" for s, (m, v) in scores.extras]
    for s, (m, v), g, t in verdicts.false_alarms:
        lines.append(f"  FALSE ALARM {m}={v} (labelled {g}; {t})  in {s[:50]}")
    for s, (m, v), _, t in verdicts.missed_contradictions:
        lines.append(f"  missed contradiction {m}={v} ({t})  in {s[:50]}")
    for s, (m, v), g, p in verdicts.disagreements:
        lines.append(f"  verdict {m}={v}: labelled {g}, got {p}  in {s[:50]}")
    return lines


def main(argv: list[str]) -> int:
    quiet = "--quiet" in argv
    paths = [Path(a) for a in argv[1:] if a != "--quiet"] or sorted(DATA.glob("claims_*.jsonl"))
    get_nlp()
    for path in paths:
        records = load_labelled(path)
        started = time.perf_counter()
        scores = score_labelled(records, extract_claims_from_text)
        elapsed = time.perf_counter() - started
        verdicts = score_verdicts(records, extract_claims_from_text, verify_claims, report_for)
        print(
            f"{path.name}: sentences {scores.sentences}  labelled claims {scores.gold}"
            f"  predicted {scores.predicted}"
            f"  precision {scores.precision:.3f}  recall {scores.recall:.3f}  ({elapsed * 1000:.0f} ms)"
        )
        if verdicts.labelled:
            print(
                f"  verdicts: {verdicts.matched} of {verdicts.labelled} labelled claims extracted, "
                f"{verdicts.agree} agree; false alarms {len(verdicts.false_alarms)}, "
                f"missed contradictions {len(verdicts.missed_contradictions)}"
            )
        if not quiet:
            print("\n".join(_details(scores, verdicts)) or "  (nothing missed, nothing extra)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
