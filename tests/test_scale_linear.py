"""Extraction linear in the text (issue 11, reliability defect 2): the helpers that replaced per-row and
per-item scans give what the scans gave.

Each rewritten helper is checked against the scan it replaced, written out here as the reference, on
random inputs (unsorted lines, repeats, runs of white space, windows cut anywhere); `Table.row`'s index
is checked against a fresh scan after every way the rows can change. Timing is measured by
`bench/scale.py`, not asserted here.
"""

from __future__ import annotations

import copy
import pickle
import random
import re
import sys
from pathlib import Path

import pytest

from nlp.claims.pipeline import words_and_spaces
from nlp.claims.text import normalise
from nlp.schema import Table, TableRow
from nlp.sections import (
    _absorb_blanks_near_noise,
    _group_kind,
    _rules,
    _sentence_starts_between,
)
from nlp.tables.build import _HeaderIndex, _last_full
from nlp.tables.tokens import Token

ROOT = Path(__file__).resolve().parent.parent

# --- references: the scans the helpers replaced -------------------------------------------------------


def _line_above_scan(headers: list[Token], line: int, width: int) -> list[Token]:
    above = [h for h in headers if h.line < line and h.field >= 0 and h.width == width]
    if not above:
        return []
    last = max(h.line for h in above)
    return [h for h in above if h.line == last]


def _last_above_scan(headers: list[Token], field: int, line: int) -> Token | None:
    above = [h for h in headers if h.line < line and h.field >= 0 and h.field == field]
    return above[-1] if above else None


def _absorb_scan(kinds: list[str]) -> list[str]:
    out = list(kinds)
    for i, kind in enumerate(kinds):
        if kind != "blank":
            continue
        prev = next((k for k in reversed(kinds[:i]) if k != "blank"), None)
        nxt = next((k for k in kinds[i + 1 :] if k != "blank"), None)
        if "noise" in (prev, nxt):
            out[i] = "noise"
    return out


def _group_kind_scan(text: str, match: re.Match[str]) -> str | None:
    rules = _rules()
    rest = text[match.end() :]
    head = re.split(r"(?<=[。：:])|(?=[一二三四五六七八九十]是)|(?<=\S)[ \u3000]", rest, maxsplit=1)[0]
    head = re.sub(r"[\s\u3000\xa0]", "", head)
    if not head or len(head) > rules.max_group_chars:
        return None
    if rules.problem_group.match(head):
        return "problem"
    if rules.improvement_group.match(head):
        return "improvement"
    return None


def _keep_space_scan(line: str, i: int) -> bool:
    before, after = line[:i].rstrip(), line[i:].lstrip()
    if not before or not after:
        return False
    a, b = before[-1], after[0]
    digit = "０１２３４５６７８９"
    return ((a.isdigit() or a in digit) and (b.isdigit() or b in digit)) or (
        a.isascii() and a.isalpha() and b.isascii() and b.isalpha()
    )


# --- tables ---------------------------------------------------------------------------------------


def _random_headers(rng: random.Random, count: int) -> list[Token]:
    lines = sorted(rng.randrange(1, 40) for _ in range(count))
    if rng.random() < 0.3:
        rng.shuffle(lines)  # the index must not assume printed order is line order
    return [
        Token(
            "header", f"h{i}", line, 0, 0, row=line, field=rng.randrange(-1, 5), width=rng.choice((-1, 3, 7))
        )
        for i, line in enumerate(lines)
    ]


@pytest.mark.parametrize("seed", range(100))
def test_header_index_gives_what_the_scans_gave(seed: int) -> None:
    rng = random.Random(seed)
    headers = _random_headers(rng, rng.randrange(0, 30))
    index = _HeaderIndex(headers)
    for line in range(0, 42):
        for width in (-1, 3, 7, 9):
            assert index.line_above(line, width=width) == _line_above_scan(headers, line, width)
        for field in range(-1, 6):
            if field >= 0:
                assert index.last_above(field, line) is _last_above_scan(headers, field, line)


@pytest.mark.parametrize("seed", range(100))
def test_last_full_row_by_bisection(seed: int) -> None:
    rng = random.Random(seed)
    full = sorted(rng.sample(range(1, 200), rng.randrange(0, 20)))
    for line in range(0, 202):
        assert _last_full(full, line) == max((f for f in full if f < line), default=0)


def _rows(keys: list[str | None]) -> list[TableRow]:
    return [TableRow(key=k, label=f"{k}#{i}") for i, k in enumerate(keys)]


def _scan(table: Table, key: str) -> TableRow | None:
    return next((r for r in table.rows if r.key == key), None)


def test_table_row_is_the_first_row_of_its_key_whatever_happens_to_the_rows() -> None:
    rng = random.Random(11)
    keys = ["new_received", "carried_over", "handled_total", "other_handling", None]
    table = Table(key="applications", rows=_rows([rng.choice(keys) for _ in range(40)]))

    def agrees() -> None:
        for key in [k for k in keys if k] + ["absent", ""]:
            assert table.row(key) is _scan(table, key)

    agrees()
    table.rows.append(TableRow(key="absent", label="appended"))
    agrees()
    table.rows = _rows([rng.choice(keys) for _ in range(10)])  # the list replaced
    agrees()
    table.rows[0].key, table.rows[-1].key = "carried_over", "new_received"  # re-keyed in place
    agrees()
    table.rows[3] = TableRow(key="handled_total", label="replaced")  # replaced in place
    agrees()


def test_table_row_index_is_no_part_of_the_table() -> None:
    rows = [("a", "x"), ("b", "y"), ("a", "z")]
    one = Table(key="applications", rows=[TableRow(key=k, label=v) for k, v in rows])
    two = Table(key="applications", rows=[TableRow(key=k, label=v) for k, v in rows])
    assert one.row("a") is not None and one.row("a").label == "x"  # type: ignore[union-attr]
    assert one == two  # one has built its index, two has not
    assert set(one.model_dump()) == {"key", "format", "span", "rows", "missing_rows"}
    for other in (pickle.loads(pickle.dumps(one)), copy.deepcopy(one), one.model_copy()):
        assert other == one
        assert other.row("a") is other.rows[0] and other.row("b") is other.rows[1]
    changed = one.model_copy(update={"rows": [TableRow(key="a", label="new")]})
    assert changed.row("a") is changed.rows[0] and one.row("a") is one.rows[0]


# --- sections -------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(200))
def test_blank_lines_near_noise_as_the_scan(seed: int) -> None:
    rng = random.Random(seed)
    kinds = [rng.choice(("blank", "blank", "noise", "text", "table")) for _ in range(rng.randrange(0, 40))]
    assert _absorb_blanks_near_noise(kinds) == _absorb_scan(kinds)


_FIVE_CHARS = "问题不足存在主要改进措施下一步今后一二三是。：: \u3000，；x（）1"


@pytest.mark.parametrize("seed", range(200))
def test_group_heading_and_sentence_starts_as_the_scan(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(20):
        # long texts too, with runs of white space: the window after a marker has to grow
        text = "".join(rng.choice(_FIVE_CHARS) for _ in range(rng.randrange(0, 400)))
        for match in re.finditer(r"[一二三]是|（[一二三]）", text):
            assert _group_kind(text, match) == _group_kind_scan(text, match), (text, match)
        start = rng.randrange(0, len(text) + 1)
        end = rng.randrange(start, len(text) + 1)
        every = [0] + [i + 1 for i, ch in enumerate(text[:-1]) if ch in "。！!？?"]
        assert list(_sentence_starts_between(text, start, end)) == [s for s in every if start <= s < end]


# --- claims ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(100))
def test_normalised_spaces_as_the_scan(seed: int) -> None:
    rng = random.Random(seed)
    chars = "ab12 \u3000件３4xZ\u2002"  # no tab: a tab makes a table row
    line = "。" + "".join(rng.choice(chars) for _ in range(rng.randrange(1, 60)))  # prose, not a table row
    expected: list[str] = []
    for i, ch in enumerate(line):
        if ch.isspace():
            if _keep_space_scan(line, i) and expected and expected[-1] != " ":
                expected.append(" ")
            continue
        expected.append(ch)
    assert normalise(line).text == "".join(expected)


@pytest.mark.parametrize("seed", range(100))
def test_words_and_spaces_as_spacy(seed: int) -> None:
    get_words_and_spaces = pytest.importorskip("spacy.util").get_words_and_spaces
    from nlp.segment import words

    rng = random.Random(seed)
    text = "".join(
        rng.choice(["数量", "件", "。", " ", "  ", "\u3000", "12", "ab", "申请", "\n"]) for _ in range(30)
    )
    tokens = [w for w in words(text) if w]
    for variant in (tokens, tokens[1:], [*tokens, "多"]):
        try:
            expected: object = get_words_and_spaces(variant, text)
        except ValueError as exc:
            expected = str(exc)
        try:
            got: object = words_and_spaces(variant, text)
        except ValueError as exc:
            got = str(exc)
        assert got == expected


# --- the bench's inputs ---------------------------------------------------------------------------


def test_bench_inputs_have_the_shapes_they_name() -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import scale
    finally:
        sys.path.remove(str(ROOT / "bench"))
    from nlp.extract import extract_text

    size = 40_000
    tables, dump, prose = (scale.make_input(kind, size) for kind in ("tables", "dump", "prose"))
    assert all(len(text.encode("utf-8")) >= size for text in (tables, dump, prose))
    header, body = dump.split(scale.DUMP_BODY)
    assert body.count("\n") == 1 and len(header.splitlines()) > 3  # a crawler header, then one line
    seed_rows = sum(
        len(t.rows) for t in extract_text(scale.SEED.read_text(encoding="utf-8")).tables.present()
    )
    repeated = sum(len(t.rows) for t in extract_text(tables).tables.present())
    assert repeated >= 4 * seed_rows  # the copies' rows all land in the tables
    assert sum(len(t.rows) for t in extract_text(dump).tables.present()) > 0  # rows recovered from the line
    report = extract_text(prose)
    assert not any(t.rows for t in report.tables.present())
    assert len([s for s in report.sections if s.key != "preamble"]) == 6
