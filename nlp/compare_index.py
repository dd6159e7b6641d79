"""Which passages to compare, and how widely each is repeated: blocking for plan comparison.

Only related passages are ever paired: the same body in an earlier year (copied_prev_year) or another
body of the same city/province in the same year (copied_neighbour). Small corpora score every related
pair (exact). Large ones — hundreds of thousands of reports — take candidates from a MinHash/LSH index
over character shingles (banded signatures; near-duplicates share a band with high probability), plus
every pair within one body, which is small. Pure functions: records in, scored pairs out.

`spread` of a passage is the number of distinct bodies (its own included) with a near-duplicate of it,
the measure of template language: exact in exhaustive mode, in LSH mode the most bodies met in one of
its buckets (an upper estimate, since bucket members are not verified).
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import fuzz, process

from nlp.compare_config import CompareConfig

__all__ = ["PassageRecord", "Relation", "ScoredPairs", "minhash_signatures", "relation", "scored_pairs"]

Relation = Literal["prev_year", "neighbour"]
_PRIME = (1 << 31) - 1


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


def _shingle_hashes(text: str, size: int) -> NDArray[np.uint64]:
    grams = {text[k : k + size] for k in range(max(1, len(text) - size + 1))}
    return np.fromiter((zlib.crc32(g.encode("utf-8")) for g in grams), dtype=np.uint64, count=len(grams))


def minhash_signatures(
    texts: Sequence[str], *, shingle_size: int, permutations: int, seed: int, chunk: int = 4096
) -> NDArray[np.uint64]:
    """(len(texts), permutations) MinHash signatures of the texts' character shingles, deterministic for
    a seed (CRC32 shingle hashes, universal hashing (a·h + b) mod 2³¹−1)."""
    rng = np.random.default_rng(seed)
    a = rng.integers(1, _PRIME, size=(permutations, 1), dtype=np.uint64)
    b = rng.integers(0, _PRIME, size=(permutations, 1), dtype=np.uint64)
    out = np.empty((len(texts), permutations), dtype=np.uint64)
    for start in range(0, len(texts), chunk):
        hashes = [_shingle_hashes(t, shingle_size) for t in texts[start : start + chunk]]
        flat = np.concatenate(hashes)
        offsets = np.cumsum([0, *(len(h) for h in hashes[:-1])])
        values = (a * flat[None, :] + b) % _PRIME
        out[start : start + len(hashes)] = np.minimum.reduceat(values, offsets, axis=1).T
    return out


def _band_groups(signatures: NDArray[np.uint64], *, bands: int, rows: int) -> Iterable[NDArray[np.intp]]:
    """Each LSH bucket with at least two members, as an array of record indices."""
    weights = np.array([(1 << (20 * k)) + 1 for k in range(rows)], dtype=np.uint64)
    for band in range(bands):
        keys = (signatures[:, band * rows : (band + 1) * rows] * weights).sum(axis=1)
        order = np.argsort(keys, kind="stable")
        ordered = keys[order]
        cuts = np.flatnonzero(np.diff(ordered)) + 1
        for members in np.split(order, cuts):
            if len(members) > 1:
                yield members


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


def _lsh_candidates(
    records: Sequence[PassageRecord], *, config: CompareConfig
) -> tuple[set[tuple[int, int]], list[int]]:
    signatures = minhash_signatures(
        [r.norm for r in records],
        shingle_size=config.shingle_size,
        permutations=config.lsh_bands * config.lsh_rows,
        seed=config.lsh_seed,
    )
    spread = [1] * len(records)
    body_of: dict[int, Hashable] = {i: r.body for i, r in enumerate(records)}
    near_of: dict[int, Hashable] = {i: (r.neighbourhood, r.year) for i, r in enumerate(records)}
    candidates: set[tuple[int, int]] = set()
    for members in _band_groups(signatures, bands=config.lsh_bands, rows=config.lsh_rows):
        indices = members.tolist()
        bodies = len({records[i].body for i in indices})
        for i in indices:
            spread[i] = max(spread[i], bodies)
        if bodies <= config.max_bucket_bodies:
            for group in _grouped((i for i in indices if records[i].neighbourhood), near_of):
                candidates.update(_related_in(group, records, config=config))
    for group in _grouped(range(len(records)), body_of):  # every pair within one body, LSH or not
        candidates.update(_related_in(group, records, config=config))
    return candidates, spread


def _lsh(records: Sequence[PassageRecord], *, min_score: float, config: CompareConfig) -> ScoredPairs:
    candidates, spread = _lsh_candidates(records, config=config)
    pairs: dict[tuple[int, int], float] = {}
    for i, j in candidates:
        score = fuzz.ratio(records[i].norm, records[j].norm, score_cutoff=min_score)
        if score:
            pairs[(i, j)] = float(score)
    return ScoredPairs(pairs=pairs, spread=spread, candidates=len(candidates))
