"""The project's one segmenter (nlp.segment) and the differential test that decides the default: rjieba
(mended, `_RJiebaCut`) and jieba cut every line of samples/ and the shared corpus into the same words, HMM on
(the configuration used) and off, and random mixtures of ideographs, Latin letters, digits, punctuation and
spaces too — which is why rjieba is the default."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp.segment import words
from nlp.settings import get_settings

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "corpus"
TEXTS = sorted(
    [*(ROOT / "samples").rglob("*.txt"), *(SHARED.rglob("*.txt") if SHARED.is_dir() else [])],
    key=str,
)
_HAN = re.compile("[\u4e00-\u9fd5]")


def _lines() -> list[str]:
    return [line for path in TEXTS for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_segment_default_is_rjieba() -> None:
    assert get_settings().segmenter == "rjieba"
    assert words("行政复议决定书") == ["行政复议", "决定书"]


@pytest.mark.parametrize("hmm", [True, False], ids=["hmm", "no-hmm"])
def test_segment_rjieba_cuts_every_corpus_line_as_jieba(hmm: bool) -> None:
    differ = [
        line
        for line in _lines()
        if words(line, hmm=hmm, segmenter="jieba") != words(line, hmm=hmm, segmenter="rjieba")
    ]
    assert differ == []


@pytest.mark.parametrize(
    "text",
    [
        "发布时间：2023-01-05 10:07",  # a date: jieba's HMM fallback splits at the dashes
        "原文链接：http://www.pingtan.gov.cn/zwgk/t20230105_80614.htm",
        "电话：0591-23100206，邮箱：zwgk@pingtan.gov.cn",
        "同比增长3.5%，共12.5万字",
        "AT&T与C++、c#",  # the only Latin words in jieba's dictionary stay whole
        "㐀政府﨑信息𠀀公开",  # ideographs of the CJK extensions: jieba cuts them one by one
        "B超和T恤  \u3000\r\n\t申请",
    ],
)
def test_segment_rjieba_mends_where_bare_rjieba_differs(text: str) -> None:
    assert words(text, segmenter="rjieba") == words(text, segmenter="jieba")


_PIECES = st.sampled_from(
    [
        *"政府信息公开申请件年度报告行政复议诉讼于的了是在不予依",
        *"abcXYZ0123456789+#&._%-:/@",
        *" \u3000\t\r\n，。、（）《》",
        *"㐀﨑\u9fd6〇Ｃ１𠀀",
        "AT&T",
        "C++",
        "c#",
        "B超",
        "3.5%",
        "2023-01-05",
        "www.gov.cn",
        "\r\n",
    ]
)


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(_PIECES, max_size=30), hmm=st.booleans())
def test_segment_rjieba_cuts_random_mixtures_as_jieba(pieces: list[str], hmm: bool) -> None:
    text = "".join(pieces)
    assert words(text, hmm=hmm, segmenter="rjieba") == words(text, hmm=hmm, segmenter="jieba")


def test_segment_latin_words_are_those_of_jiebas_dictionary() -> None:
    """`_LATIN_WORDS`, which the mending never splits, are the dictionary's words with no ideograph."""
    import jieba

    from nlp import segment

    dictionary = Path(jieba.__file__).parent / jieba.DEFAULT_DICT_NAME
    entries = (line.split(" ")[0] for line in dictionary.read_text(encoding="utf-8").splitlines())
    assert {w for w in entries if w and not _HAN.search(w)} == segment._LATIN_WORDS
