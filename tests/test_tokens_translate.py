"""indexer.tokens normalises through a str.translate table and a table of words seen (issue 11, build item
6: the build's per-character and per-word Python calls): the same characters, words and offsets as
normalising character by character, over the corpus and over every code point of the Basic Multilingual
Plane; both tables bounded."""

from __future__ import annotations

from pathlib import Path

from indexer import tokens

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "corpus"
TEXTS = sorted(
    [*(ROOT / "samples").rglob("*.txt"), *(SHARED.rglob("*.txt") if SHARED.is_dir() else [])],
    key=str,
)


def _one_by_one(text: str) -> str:
    return "".join(tokens._normalise_char(c) for c in text)


def test_tokens_table_normalises_every_bmp_character_as_one_by_one() -> None:
    every = "".join(chr(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF)
    assert tokens._normalise(every) == _one_by_one(every)
    assert tokens.normalise_with_offsets(every)[0] == _one_by_one(every)


def test_tokens_table_keeps_corpus_chars_words_and_offsets() -> None:
    for path in TEXTS:
        for line in path.read_text(encoding="utf-8").splitlines():
            normal, offsets = tokens.normalise_with_offsets(line)
            assert tokens.char_tokens(line) == list(_one_by_one(line))
            assert normal == _one_by_one(line) and len(offsets) == len(normal)
            assert all(tokens._normalise_char(line[o]).count(n) for n, o in zip(normal, offsets, strict=True))
            words = [w for w in (_one_by_one(w) for w in tokens.segmented(line)) if w]
            assert tokens.word_tokens(line) == words


def test_tokens_table_is_bounded() -> None:
    table = tokens._NormalTable()
    for code in range(0x4E00, 0x4E00 + table._LIMIT + 10):
        assert table[code] == tokens._normalise_char(chr(code))
    assert len(table) <= table._LIMIT


def test_tokens_word_table_is_bounded() -> None:
    table = tokens._WordTable()
    for n in range(table._LIMIT + 10):
        word = f"Ｗ{n}"
        assert table[word] == _one_by_one(word)
    assert len(table) <= table._LIMIT
