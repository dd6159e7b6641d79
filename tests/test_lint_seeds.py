"""The lint on the five seeds and the two real PDFs (and their transcriptions), against hand-written goldens.

Goldens (tests/goldens/findings/<name>.json) pin every finding's rule, severity and cells, and every
claim's metric, value and verdict; docs/findings.md says why each finding is there.
"""

from __future__ import annotations

import json
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from nlp.extract import extract_path
from nlp.lint import CheckResult, check_report

ROOT = Path(__file__).resolve().parent.parent
GOLDENS = ROOT / "tests" / "goldens" / "findings"
SOURCES = {
    "lingqiu_2022": ROOT / "samples" / "seeds" / "lingqiu_2022.txt",
    "muye_2021": ROOT / "samples" / "seeds" / "muye_2021.txt",
    "pengshui_2021": ROOT / "samples" / "seeds" / "pengshui_2021.txt",
    "songxian_2021": ROOT / "samples" / "seeds" / "songxian_2021.txt",
    "zhongmou_2020": ROOT / "samples" / "seeds" / "zhongmou_2020.txt",
    "hongze_2023": ROOT / "samples" / "real" / "hongze_2023.pdf",
    "huaian_gov_2024": ROOT / "samples" / "real" / "huaian_gov_2024.pdf",
    "hongze_2023 (transcribed)": ROOT / "tests" / "fixtures" / "transcribed" / "hongze_2023.txt",
    "huaian_gov_2024 (transcribed)": ROOT / "tests" / "fixtures" / "transcribed" / "huaian_gov_2024.txt",
}


@cache
def _checked(name: str) -> CheckResult:
    return check_report(extract_path(SOURCES[name]))


def _golden(name: str) -> dict[str, object]:
    return json.loads((GOLDENS / f"{name.split(' ')[0]}.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@pytest.mark.parametrize("name", list(SOURCES))
def test_lint_seed_findings_match_golden(name: str) -> None:
    expected = _golden(name)["findings"]
    found = _checked(name).findings
    assert len(found) == len(expected), [f.rule for f in found]  # type: ignore[arg-type]
    for finding, want in zip(found, expected, strict=True):  # type: ignore[call-overload]
        assert (finding.rule, finding.severity) == (want["rule"], want["severity"])
        assert [[c.table, c.row, c.column] for c in finding.cells] == want["cells"], finding.rule
        assert finding.message_zh and finding.message_en


@pytest.mark.parametrize("name", list(SOURCES))
def test_lint_seed_claims_match_golden(name: str) -> None:
    expected = Counter(tuple(c) for c in _golden(name)["claims"])  # type: ignore[attr-defined]
    found = Counter((c.metric, c.value, c.verdict) for c in _checked(name).claims)
    assert found == expected


def test_lint_seed_songxian_table4_row_of_16_is_an_error() -> None:
    (finding,) = _checked("songxian_2021").findings
    assert finding.severity == "error" and finding.cells[0].table == "review_litigation"
    assert "16" in finding.message_en


@pytest.mark.parametrize("name", ["pengshui_2021", "lingqiu_2022", "huaian_gov_2024"])
def test_lint_seed_consistent_reports_have_no_errors(name: str) -> None:
    result = _checked(name)
    assert not result.has_errors
    assert result.claims and all(c.verdict == "supported" for c in result.claims)


@pytest.mark.parametrize("name", ["hongze_2023", "hongze_2023 (transcribed)"])
def test_lint_seed_hongze_totals_are_errors(name: str) -> None:
    review, after = _checked(name).findings
    assert review.correction == "Only one cell can be wrong: review/total should be 11 (printed 0)."
    assert after.correction == (
        "If the parts are right, suit_after_review/total should be 5 = 5+0+0+0 "
        "(or suit_after_review/upheld should be 0)."
    )
