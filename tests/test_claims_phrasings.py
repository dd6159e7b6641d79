"""Every phrasing of issue 9, extracted and verified against a table built for it: sentences written for
the issue and sentences of the real crawler dumps (tests/fixtures/real/), with the verdict expected."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from nlp.claims import extract_claims_from_text, verify_claims
from nlp.lint.claim_rules import claim_findings
from nlp.schema import Cell, Claim, Report, ReportMeta, Table, TableRow, Tables

APPLICANTS = ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org")
GROUP_COLUMNS = ("upheld", "corrected", "other", "pending", "total")
Row = int | dict[str, int | None]  # an int: that many natural-person applications, 总计 printed to match
S, C, U = "supported", "contradicted", "unverifiable"


def _cell(value: int | None) -> Cell:
    return Cell(
        raw="" if value is None else str(value), value=value, kind="blank" if value is None else "number"
    )


def _row(key: str, spec: Row) -> TableRow:
    values: dict[str, int | None] = dict.fromkeys(APPLICANTS, 0)
    if isinstance(spec, int):
        values.update(natural_person=spec, total=spec)
    else:
        values.update(spec)
    return TableRow(key=key, label=key, cells={c: _cell(v) for c, v in values.items()})


ROWS_2021 = (
    "new_received",
    "carried_over",
    "granted",
    "partially_granted",
    "denied_state_secret",
    "denied_prohibited_by_law",
    "denied_security_stability",
    "denied_third_party",
    "denied_internal_affairs",
    "denied_process_info",
    "denied_enforcement_files",
    "denied_admin_query",
    "unable_not_held",
    "unable_needs_creation",
    "unable_unclear",
    "rejected_petition",
    "rejected_repeat",
    "rejected_publication",
    "rejected_mass_repeat",
    "rejected_confirmation",
    "other_overdue_correction",
    "other_unpaid_fee",
    "other_other",
    "handled_total",
    "carried_forward",
)
ZERO_REVIEW = {g: (0, 0, 0, 0, 0) for g in ("review", "suit_direct", "suit_after_review")}


def _report(rows: dict[str, Row], review: Mapping[str, tuple[int, ...]] | None = None) -> Report:
    applications: dict[str, Row] = {**dict.fromkeys(ROWS_2021, 0), **rows}
    groups = review or ZERO_REVIEW
    tables = Tables(
        applications=Table(
            key="applications", format="2021", rows=[_row(k, v) for k, v in applications.items()]
        ),
        review_litigation=Table(
            key="review_litigation",
            rows=[
                TableRow(key=g, label=g, cells={c: _cell(v) for c, v in zip(GROUP_COLUMNS, vs, strict=True)})
                for g, vs in groups.items()
            ],
        ),
    )
    meta = ReportMeta(level="county")  # type: ignore[call-arg]
    return Report(source="t", sha256="0", tables=tables, issuing_body="某县人民政府", meta=meta)


def _verified(text: str, report: Report) -> list[Claim]:
    return verify_claims(extract_claims_from_text(text), report)


Expected = list[tuple[str, int, str]]

CASES: list[tuple[str, str, dict[str, Row], Expected]] = [
    # --- the number before its noun ----------------------------------------------------------------
    ("noun after", "全年共接到8件申请。", {"new_received": 8}, [("applications.received", 8, S)]),
    ("事项", "办理依申请公开事项12件。", {"handled_total": 12}, [("applications.handled", 12, S)]),
    ("条 not 件", "答复依申请公开信息7条。", {"handled_total": 7}, [("applications.handled", 7, S)]),
    (
        "real: verb after the number",
        "1件公开申请已办结，办结率100%。",
        {"handled_total": 1},
        [("applications.handled", 1, S)],
    ),
    (
        "real: number between verb and noun, two verbs",
        "今年我局共受理办结2件依申请公开信息，并依法依规完成答复。",
        {"new_received": 2, "handled_total": 2},
        [("applications.received", 2, S), ("applications.handled", 2, S)],
    ),
    (
        "real: 均已答复 after the number",
        "2.对申请的办理情况：2件均已及时答复，其中同意公开信息数2件。",
        {"granted": 2, "handled_total": 2},
        [("applications.handled", 2, S), ("applications.granted", 2, S)],
    ),
    (
        "real: 回应…信息N条",
        "全年通过政府门户网站回应依申请公开信息2条（属于已主动公开答复数1条，同意公开答复数1条）。",
        {"granted": 2, "handled_total": 2},
        [("applications.handled", 2, S)],
    ),
    (
        "two verbs before one object",
        "全年共收到并办结政府信息公开申请5件。",
        {"new_received": 5, "handled_total": 5},
        [("applications.received", 5, S), ("applications.handled", 5, S)],
    ),
    (
        "no verb, 共有",
        "全年共有12件政府信息公开申请，均已办结。",
        {"new_received": 12},
        [("applications.received", 12, S)],
    ),
    ("noun and verb after", "5件申请已办结。", {"handled_total": 5}, [("applications.handled", 5, S)]),
    ("信息不存在", "其中申请信息不存在2件。", {"unable_not_held": 2}, [("applications.unable", 2, S)]),
    # --- several numbers, each with its own verb ------------------------------------------------------
    (
        "接到 is 15, never 14",
        "接到申请15件，均已依法办结14件。",
        {"new_received": 15, "handled_total": 14, "carried_forward": 1},
        [("applications.received", 15, S), ("applications.handled", 14, S)],
    ),
    (
        "outcome list",
        "同意公开4件，区分处理后公开2件，无法提供3件，其他处理1件，结转下年度办理1件。",
        {"granted": 4, "partially_granted": 2, "unable_not_held": 3, "other_other": 1, "carried_forward": 1},
        [
            ("applications.granted", 4, S),
            ("applications.partially_granted", 2, S),
            ("applications.unable", 3, S),
            ("applications.other_handling", 1, S),
            ("applications.carried_forward", 1, S),
        ],
    ),
    (
        "real: verb and noun apart, 公开答复",
        "2024年我局共收到政府网站上政府信息公开申请件2件，办结依申请2件，其中公开答复1件，无法提供1件。",
        {"new_received": 2, "granted": 1, "unable_not_held": 1, "handled_total": 2},
        [
            ("applications.received", 2, S),
            ("applications.handled", 2, S),
            ("applications.granted", 1, S),
            ("applications.unable", 1, S),
        ],
    ),
    (
        "real: verb before a 、 list of nouns; subjects are no table claims",
        "2024年，我局收到群众通过邮寄、网络提交的各类政府信息公开申请共计8件，申请事项涉及政策法规信息1件、"
        "机构设置信息1件、小区备案信息6件，均严格按照《条例》要求办理。",
        {"new_received": 8},
        [("applications.received", 8, S)],
    ),
    (
        "real: outcome sentences after a ；",
        "其中，同意公开3件，占比37.5%；无法提供4件，占比50%；区分处理后公开1件，占比12.5%。",
        {"granted": 3, "unable_not_held": 4, "partially_granted": 1},
        [
            ("applications.granted", 3, S),
            ("applications.unable", 4, S),
            ("applications.partially_granted", 1, S),
        ],
    ),
    # --- dates inside the claim ------------------------------------------------------------------------
    (
        "year inside",
        "另有3件结转至2025年办理。",
        {"carried_forward": 3},
        [("applications.carried_forward", 3, S)],
    ),
    ("year before", "2023年共受理申请6件。", {"new_received": 6}, [("applications.received", 6, S)]),
    (
        "real: 结转上年度 is carried over",
        "结转上年度政府信息公开申请1件，因申请人无正当理由逾期不补正，不再处理其政府信息公开申请。",
        {"carried_over": 1},
        [("applications.carried_over", 1, S)],
    ),
    # --- sums of rows ------------------------------------------------------------------------------------
    (
        "two rows summed",
        "予以公开和部分公开共计18件。",
        {"granted": 12, "partially_granted": 6},
        [("applications.granted_or_partially_granted", 18, S)],
    ),
    (
        "a grouping the table does not share",
        "不予公开3件，其中包括本机关不掌握相关信息的情形。",
        {"denied_third_party": 1, "unable_not_held": 2},
        [("applications.denied", 3, C)],
    ),
    # --- scope ---------------------------------------------------------------------------------------------
    (
        "received = new + carried over",
        "全年收到政府信息公开申请6件。",
        {"new_received": 4, "carried_over": 2},
        [("applications.received", 6, S)],
    ),
    (
        "答复N件（含上年结转M件）",
        "全年受理申请4件，答复5件（含上年结转1件）。",
        {"new_received": 4, "carried_over": 1, "handled_total": 5},
        [
            ("applications.received", 4, S),
            ("applications.handled", 5, S),
            ("applications.carried_over", 1, S),
        ],
    ),
    # --- traps: no application count --------------------------------------------------------------------
    ("依申请公开信息N条", "本单位依申请公开信息15条。", {"new_received": 1}, []),
    ("real: 依申请公开信息N条", "依申请公开信息1180条。", {"new_received": 1}, []),
    ("主动公开 has no cell", "主动公开政府信息230条。", {}, []),
    ("浏览量", "网站浏览量12.5万次，阅读量3241654万次。", {}, []),
    (
        "real: information items with 不予公开",
        "全年印发公文类政府信息共514条，其中主动公开信息数130，依申请公开信息数363条，不予公开21条；",
        {"new_received": 1, "unable_not_held": 1},
        [],
    ),
    ("real: applications by channel", "从申请方式看，网络申请3件，占43%；", {"new_received": 7}, []),
    (
        "real: a business count",
        "年内，网上服务平台共受理公安业务6945件，办结率达99.3%。",
        {"new_received": 0},
        [],
    ),
    # --- zero claims ---------------------------------------------------------------------------------------
    ("暂未接到", "本年度暂未接到政府信息公开申请。", {}, [("applications.received", 0, S)]),
    ("未收到", "全年未收到政府信息公开申请。", {}, [("applications.received", 0, S)]),
    (
        "未收到, but the table has two",
        "全年未收到政府信息公开申请。",
        {"new_received": 2},
        [("applications.received", 0, C)],
    ),
    (
        "real: 未收到 after a comma",
        "（二）依申请公开政府信息情况2019年，未收到公民提出的公开政府信息申请。",
        {},
        [("applications.received", 0, S)],
    ),
    (
        "real: 未收到 the applicant's correction",
        "2021年，我局收到政府信息公开申请1件，已按照相关法规，逐级审查，作出补正告知，目前未收到该申请人提交的补正，"
        "结转下年度办理。",
        {"new_received": 1, "carried_forward": 1},
        [("applications.received", 1, S)],
    ),
    (
        "some units over years",
        "二是由于部分单位长期未收到政府信息公开申请，致使办理能力不足。",
        {"new_received": 3},
        [],
    ),
    ("未发生…行政诉讼", "全年未发生因政府信息公开引起的行政诉讼。", {}, [("suit.total", 0, S)]),
    (
        "real: 没有…行政复议或行政诉讼",
        "全年没有应公开而不予公开的情况，没有因政府信息公开针对区公安局申请行政复议或行政诉讼的事项。",
        {},
        [("review.total", 0, S), ("suit.total", 0, S)],
    ),
    ("real: 0项", "（二）依申请公开情况本年度收到依申请公开事项0项。", {}, [("applications.received", 0, S)]),
    # --- blank or zero 总计: printed and derived readings ------------------------------------------------
    (
        "总计 blank",
        "2022年，我局共收到政府信息公开申请4件，全部按时办结。",
        {"new_received": {"natural_person": 3, "commercial": 1, "total": None}},
        [("applications.received", 4, S)],
    ),
    (
        "总计 printed 0 beside non-zero 自然人",
        "2022年，我局共收到政府信息公开申请4件。",
        {"new_received": {"natural_person": 4, "total": 0}},
        [("applications.received", 4, S)],
    ),
    (
        "总计 blank, applicants disagree",
        "2022年，全县共收到政府信息公开申请4件。",
        {"new_received": {"natural_person": 3, "total": None}},
        [("applications.received", 4, C)],
    ),
]


@pytest.mark.parametrize(("name", "text", "rows", "expected"), CASES, ids=[c[0] for c in CASES])
def test_claims_phrasing_extracted_and_verified(
    name: str, text: str, rows: dict[str, Row], expected: Expected
) -> None:
    claims = _verified(text, _report(rows))
    assert [(c.metric, c.value, c.verdict) for c in claims] == expected, [
        (c.metric, c.reading) for c in claims
    ]


def test_claims_phrasing_review_and_litigation_counts() -> None:
    review = {"review": (1, 0, 0, 0, 1), "suit_direct": (0, 0, 0, 0, 0), "suit_after_review": (0, 0, 1, 0, 1)}
    text = "因依申请公开引发行政复议1起、行政诉讼1起，分别被驳回行政复议申请和裁定按照撤诉处理。"
    claims = _verified(text, _report({}, review))
    assert [(c.metric, c.value, c.verdict, c.reading) for c in claims] == [
        ("review.total", 1, S, "review_total"),
        ("suit.total", 1, S, "direct_plus_after_review"),
    ]


def test_claims_phrasing_derived_total_records_both_readings() -> None:
    printed_zero = _report({"new_received": {"natural_person": 4, "total": 0}})
    (claim,) = _verified("全年共收到政府信息公开申请4件。", printed_zero)
    assert claim.reading == "new_received:derived_total"
    assert claim.readings_tried == {"new_received": 0, "new_received:derived_total": 4}
    assert [c.column for c in claim.cells] == list(APPLICANTS)
    consistent = _report({"new_received": 4})
    (claim,) = _verified("全年共收到政府信息公开申请4件。", consistent)
    assert claim.reading == "new_received"
    assert claim.readings_tried == {"new_received": 4}  # a printed total that agrees is read once


def test_claims_phrasing_regrouping_gives_the_reason_and_stays_an_error() -> None:
    report = _report({"denied_third_party": 1, "unable_not_held": 2})
    (claim,) = _verified("不予公开3件，其中包括本机关不掌握相关信息的情形。", report)
    assert claim.verdict == C
    assert claim.readings_tried["regrouped:denied_plus_unable_not_held"] == 3
    assert "regrouped:denied_plus_unable_not_held=3 holds" in (claim.reading or "")
    (finding,) = claim_findings([claim], source="t")
    assert finding.rule == "C-CONTRADICTED" and finding.severity == "error"
    assert finding.correction == "the tables give 1"  # the regrouped sum is a reason, not a correction
    assert "不予公开" in finding.message_en


@pytest.mark.parametrize(("name", "text", "rows", "expected"), CASES, ids=[c[0] for c in CASES])
def test_claims_phrasing_only_contradictions_are_errors(
    name: str, text: str, rows: dict[str, Row], expected: Expected
) -> None:
    claims = _verified(text, _report(rows))
    errors = [f for f in claim_findings(claims, source="t") if f.severity == "error"]
    assert len(errors) == sum(1 for _, _, verdict in expected if verdict == C)


def test_claims_phrasing_items_are_never_contradicted() -> None:
    # published information counts next to a table of one application: no claim, so no contradiction
    report = _report({"new_received": 1, "granted": 1, "handled_total": 1})
    text = "今年我局共制作政务信息1233条，主动公开政府信息31条，其中行政许可类信息6条。依申请公开信息1180条。"
    assert [c for c in _verified(text, report) if c.verdict == C] == []
