"""Chinese finding messages name metrics, readings and cells by their printed labels, never by keys."""

from __future__ import annotations

import re

import pytest

from nlp.config import load_yaml
from nlp.lint.claim_rules import claim_findings
from nlp.lint.names import cell_key_name, metric_name, reading_name
from nlp.schema import Claim, Span

_KEY = re.compile(r"[a-z]+[._][a-z_.]+")  # a canonical key: applications.received, suit_after_review_other


@pytest.mark.parametrize(
    ("metric", "name"),
    [
        ("active.punishment.decisions", "行政处罚·本年处理决定数量"),
        ("applications.received", "本年新收政府信息公开申请数量"),
        ("applications.handled", "本年度办理结果总计"),
        ("applications.denied", "不予公开"),
        ("applications.granted_or_partially_granted", "予以公开与部分公开"),
        ("review.total", "行政复议·总计"),
        ("suit_after_review.corrected", "复议后起诉·结果纠正"),
    ],
)
def test_metric_names_are_the_printed_labels(metric: str, name: str) -> None:
    assert metric_name(metric) == name


def test_every_configured_metric_and_reading_has_a_chinese_name() -> None:
    metrics = load_yaml("claims.yaml")["metrics"]
    for metric, entry in metrics.items():
        assert not _KEY.search(metric_name(metric)), metric
        for reading in entry["readings"]:
            assert not _KEY.search(reading_name(metric, reading)), (metric, reading)
            assert not _KEY.search(reading_name(metric, reading + ":derived_total")), (metric, reading)


def test_table4_cell_keys_name_group_and_column() -> None:
    assert cell_key_name("review_litigation", "suit_after_review_corrected") == "复议后起诉·结果纠正"
    assert cell_key_name("applications", "natural_person") == "自然人"
    assert cell_key_name("applications", "no_such_key") == "no_such_key"  # unknown keys pass through


def test_unknown_metric_is_printed_as_is() -> None:
    assert metric_name("something.new") == "something.new"


@pytest.mark.parametrize("verdict", ["contradicted", "unverifiable"])
def test_claim_finding_messages_carry_no_keys(verdict: str) -> None:
    claim = Claim(
        sentence="全年收到政府信息公开申请9件。",
        span=Span(start=10, end=12, line=3, end_line=3),
        metric="applications.received",
        value=9,
        unit="件",
        verdict=verdict,  # type: ignore[arg-type]
        readings_tried={"new_received": 8, "new_received_plus_carried_over": 8},
    )
    (finding,) = claim_findings([claim], source="x.txt")
    assert not _KEY.search(finding.message_zh), finding.message_zh
    assert "本年新收政府信息公开申请数量" in finding.message_zh
    assert "applications.received" in finding.message_en  # English keeps the key for developers
