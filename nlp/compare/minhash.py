"""MinHash signatures of character shingles and their LSH buckets, vectorised with numpy.

Shingle hashes are a polynomial over the Unicode code points of each window (uint64 arithmetic that
wraps), so a whole corpus is hashed in a few array operations instead of one Python call per shingle;
each permutation is a multiply-add-shift hash ((a·h + b) mod 2⁶⁴) >> 32. Deterministic for a seed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
from numpy.typing import NDArray

__all__ = ["band_buckets", "minhash_signatures", "shingle_hashes"]

_BASE = np.uint64(0x100000001B3)  # FNV-1a prime: mixes the code points of a window


def shingle_hashes(texts: Sequence[str], *, size: int) -> tuple[NDArray[np.uint64], NDArray[np.intp]]:
    """Every text's shingle hashes, concatenated, and where each text's run starts. A text shorter than
    `size` has one shingle (itself, padded); an empty text one shingle of padding."""
    lengths = np.array([len(t) for t in texts], dtype=np.intp)
    pad = "\x00" * (size - 1)
    codes = np.frombuffer((pad.join(texts) + pad + "\x00").encode("utf-32-le"), dtype=np.uint32)
    codes = codes.astype(np.uint64)
    starts = np.concatenate(([0], np.cumsum(lengths + size - 1)[:-1])).astype(np.intp)
    counts = np.maximum(1, lengths - size + 1)
    offsets = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.intp)
    positions = np.repeat(starts, counts) + (np.arange(counts.sum()) - np.repeat(offsets, counts))
    hashes = np.zeros(len(positions), dtype=np.uint64)
    for k in range(size):
        hashes = hashes * _BASE + codes[positions + k]
    return hashes, offsets


def minhash_signatures(
    texts: Sequence[str], *, shingle_size: int, permutations: int, seed: int, chunk: int = 2048
) -> NDArray[np.uint64]:
    """(len(texts), permutations) MinHash signatures of the texts' character shingles."""
    rng = np.random.default_rng(seed)
    a = (rng.integers(0, 1 << 63, size=(permutations, 1), dtype=np.uint64) << np.uint64(1)) | np.uint64(1)
    b = rng.integers(0, 1 << 63, size=(permutations, 1), dtype=np.uint64)
    out = np.empty((len(texts), permutations), dtype=np.uint64)
    for start in range(0, len(texts), chunk):
        hashes, offsets = shingle_hashes(texts[start : start + chunk], size=shingle_size)
        values = (a * hashes[None, :] + b) >> np.uint64(32)
        out[start : start + len(offsets)] = np.minimum.reduceat(values, offsets, axis=1).T
    return out


def band_buckets(signatures: NDArray[np.uint64], *, bands: int, rows: int) -> Iterator[list[int]]:
    """Each LSH bucket holding at least two texts (same values on all `rows` of one band)."""
    weights = np.array([(1 << (20 * k)) + 1 for k in range(rows)], dtype=np.uint64)
    for band in range(bands):
        keys = (signatures[:, band * rows : (band + 1) * rows] * weights).sum(axis=1)
        order = np.argsort(keys, kind="stable")
        cuts = np.flatnonzero(np.diff(keys[order])) + 1
        for members in np.split(order, cuts):
            if len(members) > 1:
                yield members.tolist()
