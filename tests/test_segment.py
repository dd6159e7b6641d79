"""The project's one segmenter (nlp.segment) and the differential test that decides the default: jieba and
rjieba over every text of samples/ and the shared corpus — identical with the HMM off; with it on (the
configuration used), different only inside runs of Latin letters, digits and punctuation (URLs, phone
numbers), which is why jieba stays the default."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nlp.segment import words
from nlp.settings import get_settings

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "corpus"
TEXTS = sorted(
    [*(ROOT / "samples").rglob("*.txt"), *(SHARED.rglob("*.txt") if SHARED.is_dir() else [])],
    key=str,
)
_LATIN_RUN = re.compile(r"^[A-Za-z0-9.\-:/@_%?=&#]+$")


def _lines() -> list[str]:
    return [line for path in TEXTS for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_segment_default_is_jieba() -> None:
    assert get_settings().segmenter == "jieba"
    assert words("行政复议决定书") == ["行政复议", "决定书"]


def test_segment_jieba_and_rjieba_agree_with_the_hmm_off() -> None:
    pytest.importorskip("rjieba")
    differ = [
        line for line in _lines() if words(line, hmm=False) != words(line, hmm=False, segmenter="rjieba")
    ]
    assert differ == []


def test_segment_with_the_hmm_on_they_differ_only_inside_latin_runs() -> None:
    pytest.importorskip("rjieba")
    for line in _lines():
        ours, theirs = words(line), words(line, segmenter="rjieba")
        if ours == theirs:
            continue
        only_ours = set(ours) - set(theirs)
        only_theirs = set(theirs) - set(ours)
        assert all(_LATIN_RUN.match(w) for w in only_ours | only_theirs), (line[:60], only_ours, only_theirs)
