"""Which passages to compare, and how widely each is repeated: blocking for plan comparison.

Only related passages are ever paired: the same body in an earlier year (copied_prev_year) or another
body of the same city/province in the same year (copied_neighbour). Small corpora score every related
pair (exact). Large ones — hundreds of thousands of reports — take candidates from a MinHash/LSH index
over character shingles (banded signatures; near-duplicates share a band with high probability), plus
every pair within one body, which is small. Pure functions: records in, scored pairs out.

`spread` of a passage is the number of distinct bodies (its own included) with a near-duplicate of it,
the measure of template language: exact in exhaustive mode; in LSH mode counted over verified pairs of
its buckets (a lower estimate when LSH misses a near-duplicate), and for a bucket holding more than
max_bucket_bodies bodies over the members that score near the bucket's most common text.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Literal

import numpy as np
from rapidfuzz import fuzz, process

from nlp.compare.config import CompareConfig
from nlp.compare.minhash import band_buckets, minhash_signatures

__all__ = ["PassageRecord", "Relation", "ScoredPairs", "relation", "scored_pairs"]

Relation = Literal["prev_year", "neighbour"]


@dataclass(frozen=True)
class PassageRecord:
    """One comparable passage: who wrote it, when, and its normalised text."""

    body: str  # same-body key (see nlp.compare.body_key)
    neighbourhood: str | None  # city or province key; None: no neighbours can be told
    year: int | None
    norm: str


@dataclass(frozen=True)
class ScoredPairs:
    pairs: dict[tuple[int, int], float]  # (i, j), i < j, related, score >= the asked minimum
    spread: list[int]  # per record: distinct bodies with a near-duplicate, own body included
    candidates: int  # pairs scored (for benchmarks)


def relation(a: PassageRecord, b: PassageRecord, *, max_year_gap: int) -> Relation | None:
    """How two passages may be related: same body in different years, or neighbours in the same year."""
    if a.year is None or b.year is None:
        return None
    if a.body == b.body:
        return "prev_year" if 0 < abs(a.year - b.year) <= max_year_gap else None
    if a.neighbourhood is not None and a.neighbourhood == b.neighbourhood and a.year == b.year:
        return "neighbour"
    return None


def scored_pairs(records: Sequence[PassageRecord], *, min_score: float, config: CompareConfig) -> ScoredPairs:
    """Related pairs scoring at least `min_score`, and each record's spread (at config.min_score)."""
    if len(records) <= config.exhaustive_max_passages:
        return _exhaustive(records, min_score=min_score, config=config)
    return _lsh(records, min_score=min_score, config=config)


# --- exhaustive ------------------------------------------------------------------------------------


def _exhaustive(records: Sequence[PassageRecord], *, min_score: float, config: CompareConfig) -> ScoredPairs:
    if not records:
        return ScoredPairs(pairs={}, spread=[], candidates=0)
    norms = [r.norm for r in records]
    cutoff = min(min_score, config.min_score)
    matrix = process.cdist(norms, norms, scorer=fuzz.ratio, score_cutoff=cutoff, workers=-1)
    spread = [
        len({records[j].body for j in np.flatnonzero(row >= config.min_score).tolist()} | {records[i].body})
        for i, row in enumerate(matrix)
    ]
    pairs: dict[tuple[int, int], float] = {}
    rows, cols = np.nonzero(np.triu(matrix >= min_score, k=1))
    for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
        if relation(records[i], records[j], max_year_gap=config.max_year_gap):
            pairs[(i, j)] = float(matrix[i, j])
    return ScoredPairs(pairs=pairs, spread=spread, candidates=len(records) * (len(records) - 1) // 2)


# --- MinHash / LSH ---------------------------------------------------------------------------------


def _grouped(indices: Iterable[int], key: dict[int, Hashable]) -> list[list[int]]:
    groups: dict[Hashable, list[int]] = defaultdict(list)
    for i in indices:
        groups[key[i]].append(i)
    return [g for g in groups.values() if len(g) > 1]


def _related_in(
    group: Sequence[int], records: Sequence[PassageRecord], *, config: CompareConfig
) -> Iterable[tuple[int, int]]:
    for i, j in combinations(sorted(group), 2):
        if relation(records[i], records[j], max_year_gap=config.max_year_gap):
            yield i, j


@dataclass
class _LshState:
    records: Sequence[PassageRecord]
    cutoff: float  # lowest score worth keeping (the asked minimum or the template threshold)
    scores: dict[tuple[int, int], float] = field(default_factory=dict)  # every pair scored so far
    near: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))  # verified dup bodies
    floor: dict[int, int] = field(default_factory=dict)  # spread met in a template-sized bucket
    candidates: set[tuple[int, int]] = field(default_factory=set)

    def score(self, i: int, j: int) -> float:
        pair = (i, j) if i < j else (j, i)
        if pair not in self.scores:
            a, b = self.records[pair[0]].norm, self.records[pair[1]].norm
            self.scores[pair] = float(fuzz.ratio(a, b, score_cutoff=self.cutoff))
        return self.scores[pair]


def _verify_bucket(indices: list[int], state: _LshState, *, threshold: float) -> None:
    """A small bucket: every pair scored (once across bands), near-duplicate bodies noted."""
    records = state.records
    for i, j in combinations(indices, 2):
        if state.score(i, j) >= threshold:
            state.near[i].add(records[j].body)
            state.near[j].add(records[i].body)


def _template_bucket(indices: list[int], state: _LshState, *, threshold: float) -> None:
    """A bucket of template language: members scored against its most common text only (linear, not
    quadratic); those near it share its spread."""
    records = state.records
    mode = Counter(records[i].norm for i in indices).most_common(1)[0][0]
    similar = [i for i in indices if fuzz.ratio(mode, records[i].norm, score_cutoff=threshold)]
    bodies = len({records[i].body for i in similar})
    for i in similar:
        state.floor[i] = max(state.floor.get(i, 1), bodies)


def _lsh(records: Sequence[PassageRecord], *, min_score: float, config: CompareConfig) -> ScoredPairs:
    state = _LshState(records=records, cutoff=min(min_score, config.min_score))
    signatures = minhash_signatures(
        [r.norm for r in records],
        shingle_size=config.shingle_size,
        permutations=config.lsh_bands * config.lsh_rows,
        seed=config.lsh_seed,
    )
    near_of: dict[int, Hashable] = {i: (r.neighbourhood, r.year) for i, r in enumerate(records)}
    for indices in band_buckets(signatures, bands=config.lsh_bands, rows=config.lsh_rows):
        if len({records[i].body for i in indices}) > config.max_bucket_bodies:
            _template_bucket(indices, state, threshold=config.min_score)
            continue
        _verify_bucket(indices, state, threshold=config.min_score)
        for group in _grouped((i for i in indices if records[i].neighbourhood), near_of):
            state.candidates.update(_related_in(group, records, config=config))
    body_of: dict[int, Hashable] = {i: r.body for i, r in enumerate(records)}
    for group in _grouped(range(len(records)), body_of):  # every pair within one body, LSH or not
        state.candidates.update(_related_in(group, records, config=config))
    pairs = {pair: score for pair in state.candidates if (score := state.score(*pair)) >= min_score}
    spread = [max(len(state.near[i] | {r.body}), state.floor.get(i, 1)) for i, r in enumerate(records)]
    return ScoredPairs(pairs=pairs, spread=spread, candidates=len(state.scores))
