"""Precision and recall of claim extraction on hand-labelled sentences (tests/data/claims_*.jsonl).

A predicted claim is correct when a labelled claim of the same sentence has the same metric and value;
each labelled claim can be matched once. Where the labels carry the verdict a reader gives the claim
against its report's tables, `score_verdicts` verifies the predicted claims against that report and
counts agreements, false alarms (contradicted where the label is not) and missed contradictions.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from nlp.schema import Claim, Report

__all__ = ["Scores", "VerdictScores", "load_labelled", "score_labelled", "score_verdicts"]

Key = tuple[str, Decimal]


@dataclass
class Scores:
    sentences: int = 0
    gold: int = 0
    predicted: int = 0
    correct: int = 0
    misses: list[tuple[str, Key]] = field(default_factory=list)  # (sentence, labelled claim not found)
    extras: list[tuple[str, Key]] = field(default_factory=list)  # (sentence, predicted claim not labelled)

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.gold if self.gold else 1.0


def load_labelled(path: Path) -> list[dict[str, Any]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _key(metric: str, value: object) -> Key:
    return metric, Decimal(str(value))


def score_labelled(records: Iterable[dict[str, Any]], extract: Callable[[str], list[Claim]]) -> Scores:
    scores = Scores()
    for record in records:
        sentence = str(record["sentence"])
        gold = Counter(_key(c["metric"], c["value"]) for c in record["claims"])
        predicted = Counter(_key(c.metric, c.value) for c in extract(sentence))
        hit = gold & predicted
        scores.sentences += 1
        scores.gold += sum(gold.values())
        scores.predicted += sum(predicted.values())
        scores.correct += sum(hit.values())
        scores.misses += [(sentence, k) for k in (gold - hit).elements()]
        scores.extras += [(sentence, k) for k in (predicted - hit).elements()]
    return scores


@dataclass
class VerdictScores:
    labelled: int = 0  # labelled claims carrying a verdict whose sentence's report could be read
    matched: int = 0  # of those, the ones extracted (same metric and value)
    agree: int = 0
    # (sentence, claim, labelled verdict or "extra", readings tried): contradicted where the label is not
    false_alarms: list[tuple[str, Key, str, str]] = field(default_factory=list)
    missed_contradictions: list[tuple[str, Key, str, str]] = field(default_factory=list)
    disagreements: list[tuple[str, Key, str, str]] = field(default_factory=list)  # (…, predicted verdict)


def _tried(claim: Claim) -> str:
    return "; ".join(f"{k}={'missing' if v is None else v}" for k, v in claim.readings_tried.items())


def score_verdicts(
    records: Iterable[dict[str, Any]],
    extract: Callable[[str], list[Claim]],
    verify: Callable[[list[Claim], Report], list[Claim]],
    report_for: Callable[[str], Report | None],
) -> VerdictScores:
    """Verdicts of the extracted claims against each record's report, compared with the labels."""
    scores = VerdictScores()
    for record in records:
        labelled = [c for c in record["claims"] if "verdict" in c]
        report = report_for(str(record.get("source", ""))) if labelled else None
        if report is None:
            continue
        sentence = str(record["sentence"])
        scores.labelled += len(labelled)
        pending = [(_key(c["metric"], c["value"]), str(c["verdict"])) for c in labelled]
        for claim in verify(extract(sentence), report):
            key = _key(claim.metric, claim.value)
            found = next((i for i, (k, _) in enumerate(pending) if k == key), None)
            gold = pending.pop(found)[1] if found is not None else "extra"
            if found is not None:
                scores.matched += 1
                if claim.verdict == gold:
                    scores.agree += 1
                else:
                    scores.disagreements.append((sentence, key, gold, str(claim.verdict)))
            if claim.verdict == "contradicted" and gold != "contradicted":
                scores.false_alarms.append((sentence, key, gold, _tried(claim)))
            elif gold == "contradicted" and claim.verdict != "contradicted":
                scores.missed_contradictions.append((sentence, key, gold, _tried(claim)))
    return scores
