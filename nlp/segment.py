"""One word segmenter for the whole process: jieba's default tokenizer, its dictionary loaded once.

Label alignment, the claims pipeline (spaCy's zh tokenizer with `segmenter = "jieba"` cuts through
jieba's module-level functions, i.e. this same default tokenizer) and the indexer's words column all use
it, so a process pays for one dictionary (≈1 s and ≈90 MB), and a user dictionary added to it applies to
all three alike.
"""

from __future__ import annotations

import logging
from functools import lru_cache

import jieba

__all__ = ["segmenter", "words"]


@lru_cache(maxsize=1)
def segmenter() -> jieba.Tokenizer:
    """jieba's default tokenizer, initialised (its dictionary loaded) on first use."""
    jieba.setLogLevel(logging.WARNING)  # it logs its dictionary load at INFO
    jieba.dt.initialize()
    return jieba.dt


def words(text: str, *, hmm: bool = True) -> list[str]:
    """jieba's precise-mode words of `text`, as it cuts them."""
    return segmenter().lcut(text, HMM=hmm)
