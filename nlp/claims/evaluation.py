"""Precision and recall of claim extraction on hand-labelled sentences (tests/data/claims_labelled.jsonl).

A predicted claim is correct when a labelled claim of the same sentence has the same metric and value;
each labelled claim can be matched once.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from nlp.schema import Claim

__all__ = ["Scores", "load_labelled", "score_labelled"]

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
