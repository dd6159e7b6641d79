"""Claim extraction measured on the hand-labelled sentences: prints precision and recall.

/work/.venv/bin/python bench/claims_eval.py [tests/data/claims_labelled.jsonl]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from nlp.claims import extract_claims_from_text, get_nlp
from nlp.claims.evaluation import load_labelled, score_labelled

DEFAULT = Path(__file__).resolve().parent.parent / "tests" / "data" / "claims_labelled.jsonl"


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else DEFAULT
    get_nlp()
    started = time.perf_counter()
    scores = score_labelled(load_labelled(path), extract_claims_from_text)
    elapsed = time.perf_counter() - started
    print(f"sentences {scores.sentences}  labelled claims {scores.gold}  predicted {scores.predicted}")
    print(f"precision {scores.precision:.3f}  recall {scores.recall:.3f}  ({elapsed * 1000:.0f} ms)")
    for sentence, (metric, value) in scores.misses:
        print(f"  missed  {metric}={value}  in {sentence[:60]}")
    for sentence, (metric, value) in scores.extras:
        print(f"  extra   {metric}={value}  in {sentence[:60]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
