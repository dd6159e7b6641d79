"""One word segmenter for the whole process, chosen by the settings (`segmenter`: jieba or rjieba).

Label alignment, the claims pipeline (its spaCy tokenizer, `govreport.segmenter_tokenizer.v1`, cuts
through `words`) and the indexer's words column all use it, so a process loads one dictionary (jieba: ≈1 s
and ≈90 MB) and a user dictionary applies to all three alike.

rjieba is jieba's Rust port: with the HMM off the two cut every text of the corpus identically; with it
on (as here) they differ only inside runs of Latin letters, digits and punctuation — URLs and phone numbers
(www.pingtan.gov.cn is one word to rjieba, www / pingtan / gov / cn to jieba). tests/test_segment.py holds
both statements, which is why jieba stays the default.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import lru_cache

from nlp.settings import get_settings

__all__ = ["segmenter_name", "words"]

Cut = Callable[[str, bool], list[str]]


def segmenter_name() -> str:
    return get_settings().segmenter


@lru_cache(maxsize=2)
def _cut(name: str) -> Cut:
    if name == "rjieba":
        import rjieba

        return lambda text, hmm: list(rjieba.cut(text, hmm=hmm))
    import jieba

    jieba.setLogLevel(logging.WARNING)  # it logs its dictionary load at INFO
    jieba.dt.initialize()
    return lambda text, hmm: jieba.dt.lcut(text, HMM=hmm)


def words(text: str, *, hmm: bool = True, segmenter: str | None = None) -> list[str]:
    """The words of `text` in precise mode, as the configured segmenter (or `segmenter`) cuts them."""
    return _cut(segmenter or segmenter_name())(text, hmm)
