"""Claim verification against hand-built tables (values read off huaian_gov_2024.pdf and the seeds)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from nlp.claims import extract_claims_from_text, verify_claims
from nlp.schema import Cell, Claim, Report, ReportMeta, Table, TableRow, Tables

REVIEW_COLUMNS = ("upheld", "corrected", "other", "pending", "total")


def _cells(values: dict[str, int | Decimal | None]) -> dict[str, Cell]:
    return {
        column: Cell(raw="" if v is None else str(v), value=v, kind="blank" if v is None else "number")
        for column, v in values.items()
    }


def _applications(rows: dict[str, int | None], *, natural_person: dict[str, int] | None = None) -> Table:
    people = natural_person or {}
    return Table(
        key="applications",
        format="2021",
        rows=[
            TableRow(key=key, label=key, cells=_cells({"total": v, "natural_person": people.get(key, v)}))
            for key, v in rows.items()
        ],
    )


def _review(groups: dict[str, tuple[int, ...]], *, flat: bool = False) -> Table:
    if flat:
        cells = {f"{g}_{c}": v for g, vs in groups.items() for c, v in zip(REVIEW_COLUMNS, vs, strict=True)}
        return Table(
            key="review_litigation", rows=[TableRow(key="review_litigation", label="", cells=_cells(cells))]
        )
    rows = [
        TableRow(key=g, label=g, cells=_cells(dict(zip(REVIEW_COLUMNS, vs, strict=True))))
        for g, vs in groups.items()
    ]
    return Table(key="review_litigation", rows=rows)


def _active(rows: dict[str, dict[str, int | Decimal | None]]) -> Table:
    return Table(
        key="active_disclosure", rows=[TableRow(key=k, label=k, cells=_cells(v)) for k, v in rows.items()]
    )


HUAIAN_APPLICATIONS = {
    "new_received": 3119,
    "carried_over": 34,
    "granted": 1362,
    "partially_granted": 454,
    "handled_total": 3050,
    "carried_forward": 103,
}
HUAIAN_REVIEW = {
    "review": (72, 64, 178, 37, 351),
    "suit_direct": (13, 4, 8, 1, 26),
    "suit_after_review": (12, 1, 1, 6, 20),
}
HUAIAN_PROSE = "\n".join(  # the PDF's own line breaks
    [
        "2024 年，全市共受理政府信息公开申请 3119 件，答",
        "复 3050 件（含上年度结转申请 34 件，另有 103 件顺延到下年度",
        "答复），均在法定期限内予以答复。政府信息公开行政复议 351",
        "件，其中结果维持 72 件，结果纠正 64 件，其他结果 178 件，尚",
        "未审结 37 件；政府信息公开行政诉讼 46 件，其中结果维持 25",
        "件，结果纠正 5 件，其他结果 9 件，尚未审结 7 件。",
    ]
)


def _report(tables: Tables, *, body: str = "淮安市人民政府", level: str = "city") -> Report:
    return Report(source="t", sha256="0", tables=tables, issuing_body=body, meta=ReportMeta(level=level))  # type: ignore[arg-type]


def _verified(text: str, report: Report) -> list[Claim]:
    return verify_claims(extract_claims_from_text(text), report)


@pytest.mark.parametrize("flat", [False, True])
def test_claims_verify_huaian_prose_is_supported(flat: bool) -> None:
    tables = Tables(
        applications=_applications(HUAIAN_APPLICATIONS), review_litigation=_review(HUAIAN_REVIEW, flat=flat)
    )
    claims = _verified(HUAIAN_PROSE, _report(tables))
    assert [(c.metric, c.value) for c in claims] == [
        ("applications.received", 3119),
        ("applications.handled", 3050),
        ("applications.carried_over", 34),
        ("applications.carried_forward", 103),
        ("review.total", 351),
        ("review.upheld", 72),
        ("review.corrected", 64),
        ("review.other", 178),
        ("review.pending", 37),
        ("suit.total", 46),
        ("suit.upheld", 25),
        ("suit.corrected", 5),
        ("suit.other", 9),
        ("suit.pending", 7),
    ]
    assert all(c.verdict == "supported" for c in claims), [(c.metric, c.reading) for c in claims]
    suit = claims[9]
    assert suit.reading == "direct_plus_after_review"
    assert [(cell.row, cell.column, cell.value) for cell in suit.cells] == (
        [("review_litigation", "suit_direct_total", 26), ("review_litigation", "suit_after_review_total", 20)]
        if flat
        else [("suit_direct", "total", 26), ("suit_after_review", "total", 20)]
    )


def test_claims_verify_received_may_include_carried_over() -> None:
    tables = Tables(applications=_applications({"new_received": 7, "carried_over": 2}))
    (claim,) = _verified("全年共收到政府信息公开申请9件。", _report(tables))
    assert claim.verdict == "supported"
    assert claim.reading == "new_received_plus_carried_over"
    assert claim.readings_tried == {"new_received": 7, "new_received_plus_carried_over": 9}


def test_claims_verify_contradiction_lists_every_reading() -> None:
    tables = Tables(applications=_applications({"new_received": 7, "carried_over": 2}))
    (claim,) = _verified("全年共收到政府信息公开申请12件。", _report(tables))
    assert claim.verdict == "contradicted"
    assert claim.readings_tried == {"new_received": 7, "new_received_plus_carried_over": 9}
    assert claim.reading == "new_received=7; new_received_plus_carried_over=9"
    assert claim.scope_cue is None
    assert [c.row for c in claim.cells] == ["new_received"]


@pytest.mark.parametrize(
    ("tables", "reason"),
    [
        (Tables(), "no table"),
        (Tables(applications=_applications({"new_received": None})), "blank cell"),
        (Tables(applications=_applications({"handled_total": 3})), "row missing"),
    ],
)
def test_claims_verify_unverifiable_without_cells(tables: Tables, reason: str) -> None:
    (claim,) = _verified("全年共收到政府信息公开申请12件。", _report(tables))
    assert claim.verdict == "unverifiable", reason
    assert all(v is None for v in claim.readings_tried.values())


@pytest.mark.parametrize(
    ("text", "body", "level", "cue"),
    [
        ("全县共受理政府信息公开申请12件。", "某县教育局", "department", "whole_area"),
        ("全县共受理政府信息公开申请12件。", "某县人民政府", "county", None),
        ("本机关共受理政府信息公开申请12件。", "某县人民政府", "county", "own_body"),
        ("区政府办代表区政府受理政府信息公开申请12件。", "某区人民政府", "district", "on_behalf"),
    ],
)
def test_claims_verify_scope_cue_marks_contradiction(
    text: str, body: str, level: str, cue: str | None
) -> None:
    tables = Tables(applications=_applications({"new_received": 7, "carried_over": 0}))
    (claim,) = _verified(text, _report(tables, body=body, level=level))
    assert claim.verdict == "contradicted"
    assert claim.scope_cue == cue


def test_claims_verify_negative_statement_against_table_four() -> None:
    tables = Tables(
        review_litigation=_review(
            {"review": (0, 0, 0, 0, 0), "suit_direct": (0, 0, 0, 1, 1), "suit_after_review": (0, 0, 0, 0, 0)}
        )
    )
    claims = _verified("未发生因政府信息公开工作被申请行政复议、提起行政诉讼的情况。", _report(tables))
    assert [(c.metric, c.negative, c.verdict) for c in claims] == [
        ("review.total", True, "supported"),
        ("suit.total", True, "contradicted"),
    ]


def test_claims_verify_aligned_row_reading() -> None:
    rows = {
        "denied_third_party": 1,
        "denied_process_info": 2,
        "unable_not_held": 17,
        "unable_needs_creation": 2,
    }
    tables = Tables(applications=_applications(rows))
    claims = _verified(
        "保护第三方合法权益不予公开1件,本机关不掌握相关情况共17件,没有现成信息需要另行制作2件。",
        _report(tables),
    )
    assert [(c.verdict, c.reading) for c in claims] == [
        ("supported", "aligned:denied_third_party"),
        ("supported", "aligned:unable_not_held"),
        ("supported", "aligned:unable_needs_creation"),
    ]
    assert claims[0].readings_tried["denied_all"] is None  # other denied rows are absent: no sum invented


def test_claims_verify_applicant_column() -> None:
    tables = Tables(
        applications=_applications(
            {"new_received": 198, "granted": 165}, natural_person={"new_received": 147, "granted": 115}
        )
    )
    claims = _verified("其中包括自然人申请147件,公开115件。", _report(tables))
    assert [(c.verdict, c.cells[0].column) for c in claims] == [("supported", "natural_person")] * 2


def test_claims_verify_money_units_and_formats() -> None:
    tables = Tables(
        active_disclosure=_active(
            {
                "fees": {"amount_wan_yuan": Decimal("96171.6")},
                "normative_documents": {"new_made": 15, "new_published": 15, "total_published": 94},
                "licensing": {"decisions": 75295},
            }
        )
    )
    text = "行政事业性收费961716000元。我县2020年主动对外公开规范性文件共15个、处理决定行政许可75,295件。"
    claims = _verified(text, _report(tables))
    assert [(c.metric, c.verdict, c.reading) for c in claims] == [
        ("active.fees.amount", "supported", "amount_wan_yuan"),
        ("active.normative_documents.issued", "supported", "new_published_2019"),
        ("active.licensing.decisions", "supported", "decisions"),
    ]
