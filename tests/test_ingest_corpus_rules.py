"""The two corpus-level building blocks ingest uses, against the batch functions they stand in for:
`nlp.compare.flags_among` (one report's flags against its neighbourhood) must equal what
`boilerplate_flags` gives that report over the whole set, and `nlp.lint.with_previous` (a report checked
alone, then its previous year added) must equal `check_reports` on the pair."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from conftest import ROOT

from nlp.compare import boilerplate_flags, flags_among
from nlp.extract import extract_path
from nlp.lint import check_report, check_reports, with_previous
from nlp.lint.cross_rules import find_previous
from nlp.schema import Report

CRAWLER = sorted((ROOT / "samples" / "crawler").glob("*.txt"))


@pytest.fixture(scope="module")
def crawler_reports() -> list[Report]:
    return [extract_path(Path(p)) for p in CRAWLER]


def _own(flags: dict[tuple[str, int], list[str]], report: Report) -> dict[int, list[str]]:
    return {start: names for (sha, start), names in flags.items() if sha == report.sha256}


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_ingest_flags_among_equal_the_batch_flags(crawler_reports: list[Report], seed: int) -> None:
    rng = random.Random(seed)
    chosen = crawler_reports if seed == 0 else rng.sample(crawler_reports, rng.randint(2, 9))
    batch = boilerplate_flags(chosen)
    for report in chosen:
        others = [r for r in chosen if r is not report]
        assert flags_among(report, others) == _own(batch, report), report.source
    if seed == 0:
        assert any(batch.values()), "the crawler samples hold copies: the comparison must see some"


def test_ingest_with_previous_equals_the_batch_check(crawler_reports: list[Report]) -> None:
    batch = check_reports(crawler_reports)
    with_a_previous = 0
    for report in crawler_reports:
        previous = find_previous(report, crawler_reports)
        result = with_previous(report, check_report(report), previous)
        assert result.findings == batch[report.sha256].findings, report.source
        assert result.claims == batch[report.sha256].claims, report.source
        with_a_previous += previous is not None
    assert with_a_previous >= 3  # the samples hold one body over several years
