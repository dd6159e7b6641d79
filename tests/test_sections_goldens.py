"""Sections of the five seed reports and of pdfplumber's text of the two real PDFs, against goldens
written by reading each document (tests/goldens/sections/*.json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp.sections import split_sections

ROOT = Path(__file__).resolve().parent.parent
GOLDENS = sorted((ROOT / "tests/goldens/sections").glob("*.json"))


def _load(golden: Path) -> tuple[dict, list[str]]:
    expected = json.loads(golden.read_text(encoding="utf-8"))
    lines = (ROOT / expected["source"]).read_text(encoding="utf-8").split("\n")
    return expected, lines


@pytest.mark.parametrize("golden", GOLDENS, ids=lambda p: p.stem)
def test_sections_golden_headings(golden: Path) -> None:
    expected, lines = _load(golden)
    got = split_sections(lines, source=expected["source"]).sections
    assert [s.key for s in got] == [s["key"] for s in expected["sections"]]
    for section, want in zip(got, expected["sections"], strict=True):
        assert section.ordinal == want["ordinal"], section.key
        assert section.title == want["title"], section.key
        assert section.header_inferred == want["inferred"], section.key
        assert (section.span.line, section.span.end_line) == (want["first_line"], want["last_line"]), (
            section.key
        )


@pytest.mark.parametrize("golden", GOLDENS, ids=lambda p: p.stem)
def test_sections_golden_problems(golden: Path) -> None:
    expected, lines = _load(golden)
    problems = split_sections(lines, source=expected["source"]).problems
    got = [(p.code, p.line, p.detail.get("key")) for p in problems]
    assert got == [(p["code"], p["line"], p["key"]) for p in expected["problems"]]
    assert all(p.source == expected["source"] for p in problems)


@pytest.mark.parametrize("golden", GOLDENS, ids=lambda p: p.stem)
def test_sections_golden_five_passages(golden: Path) -> None:
    expected, lines = _load(golden)
    five = next(s for s in split_sections(lines).sections if s.key == "problems_improvements")
    assert len(five.passages) == len(expected["five"])
    for passage, want in zip(five.passages, expected["five"], strict=True):
        assert passage.kind == want["kind"], passage.text
        assert passage.marker == want["marker"], passage.text
        assert passage.text.startswith(want["starts"]), passage.text
        assert passage.span.line == want["line"], passage.text


@pytest.mark.parametrize("golden", GOLDENS, ids=lambda p: p.stem)
def test_sections_spans_point_into_the_text(golden: Path) -> None:
    """Every passage's characters are, in order, characters of the text at its span."""
    _, lines = _load(golden)
    text = "\n".join(lines)
    for section in split_sections(lines).sections:
        assert text[section.span.start : section.span.end].endswith(section.text)
        for passage in section.passages:
            printed = text[passage.span.start : passage.span.end]
            assert printed[0] == passage.text[0] and printed[-1] == passage.text[-1]
            assert _is_subsequence(passage.text, printed)
            if passage.span.line == passage.span.end_line:
                assert printed == passage.text


def _is_subsequence(needle: str, haystack: str) -> bool:
    it = iter(haystack)
    return all(ch in it for ch in needle)
