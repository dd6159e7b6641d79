"""Claims of the bundled real reports, extracted and verified end to end (values read off the documents)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from nlp.claims import extract_claims, verify_claims
from nlp.extract import extract_document
from nlp.readers import read_path
from nlp.schema import Claim, SourceDocument

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@cache
def _read(name: str) -> tuple[SourceDocument, list[Claim]]:
    document = read_path(SAMPLES / name)
    report = extract_document(document)
    return document, verify_claims(extract_claims(report), report)


def _summary(name: str) -> list[tuple[str, int, str | None, str | None]]:
    return [(c.metric, int(c.value), c.verdict, c.reading) for c in _read(name)[1]]


def test_claims_seeds_lingqiu_handled_is_supported() -> None:
    assert _summary("seeds/lingqiu_2022.txt") == [("applications.handled", 6, "supported", "handled_total")]


def test_claims_seeds_pengshui_received_handled_and_no_suits() -> None:
    assert _summary("seeds/pengshui_2021.txt") == [
        ("applications.received", 9, "supported", "new_received"),
        ("applications.handled", 9, "supported", "handled_total"),
        ("suit.total", 0, "supported", "direct_plus_after_review"),
    ]
    assert _read("seeds/pengshui_2021.txt")[1][2].negative


def test_claims_seeds_hongze_received_is_supported() -> None:
    assert _summary("real/hongze_2023.pdf") == [("applications.received", 21, "supported", "new_received")]


HUAIAN = [
    ("active.regulations.issued", 1, "issued"),
    ("applications.received", 3119, "new_received"),
    ("applications.handled", 3050, "handled_total"),
    ("applications.carried_over", 34, "carried_over"),
    ("applications.carried_forward", 103, "carried_forward"),
    ("review.total", 351, "review_total"),
    ("review.upheld", 72, "review_upheld"),
    ("review.corrected", 64, "review_corrected"),
    ("review.other", 178, "review_other"),
    ("review.pending", 37, "review_pending"),
    ("suit.total", 46, "direct_plus_after_review"),
    ("suit.upheld", 25, "direct_plus_after_review"),
    ("suit.corrected", 5, "direct_plus_after_review"),
    ("suit.other", 9, "direct_plus_after_review"),
    ("suit.pending", 7, "direct_plus_after_review"),
]


def test_claims_seeds_huaian_every_claim_is_supported() -> None:
    assert _summary("real/huaian_gov_2024.pdf") == [(m, v, "supported", r) for m, v, r in HUAIAN]


@pytest.mark.parametrize(
    "name",
    [
        "seeds/lingqiu_2022.txt",
        "seeds/pengshui_2021.txt",
        "seeds/zhongmou_2020.txt",
        "real/huaian_gov_2024.pdf",
    ],
)
def test_claims_seeds_spans_point_at_the_printed_numbers(name: str) -> None:
    document, claims = _read(name)
    text, lines = document.text, document.text.split("\n")
    for claim in claims:
        printed = text[claim.span.start : claim.span.end]
        assert claim.span.line == text.count("\n", 0, claim.span.start) + 1
        assert claim.span.line <= claim.span.end_line <= len(lines)
        if claim.negative:
            assert printed.startswith(("未", "没有", "无"))
        else:
            assert "".join(printed.split()).startswith(str(claim.value)), printed
