"""The lint's rules on hand-built reports: arithmetic, counts, structure, cross-year, claims."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_lint_builders import (
    OUTCOMES_2021,
    T3_COLUMNS,
    active_table,
    applications_table,
    applications_values,
    make_report,
    review_table,
    songxian_like,
)

from nlp.errors import ErrorCode, problem
from nlp.lint import check_report, check_reports, filter_findings, load_catalogue
from nlp.lint.cross_rules import find_previous
from nlp.schema import Claim, Finding, ReportMeta, Section, Span


def _findings(report, **kwargs) -> list[Finding]:  # type: ignore[no-untyped-def]
    return check_report(report, with_claims=False, **kwargs).findings


def _rules(findings: list[Finding]) -> list[str]:
    return sorted(f.rule for f in findings)


def _cells(finding: Finding) -> set[tuple[str, str]]:
    return {(c.row, c.column) for c in finding.cells}


# --- catalogue ------------------------------------------------------------------------------------


def test_lint_catalogue_entries_are_complete() -> None:
    catalogue = load_catalogue()
    assert {"T3-BALANCE", "T3-OUTCOMES", "T3-ROW-TOTAL", "T4-GROUP-TOTAL", "C-CONTRADICTED"} <= set(catalogue)
    for rule in catalogue.values():
        assert rule.title_zh and rule.title_en and rule.description, rule.id


# --- arithmetic -----------------------------------------------------------------------------------


def test_lint_consistent_report_has_no_findings() -> None:
    assert _findings(make_report()) == []


def test_lint_wrong_handled_total_is_named_as_the_only_wrong_cell() -> None:
    values = songxian_like()
    values["handled_total"][0] = 5  # natural_person: 4 handled, printed 5
    found = _findings(make_report(applications=applications_table(values)))
    assert _rules(found) == ["T3-BALANCE", "T3-OUTCOMES", "T3-ROW-TOTAL"]
    for finding in found:
        assert finding.severity == "error"
        assert finding.detail["suspects"] == [
            {"row": "handled_total", "column": "natural_person", "printed": 5, "should_be": 4}
        ]
        assert "handled_total/natural_person should be 4 (printed 5)" in (finding.correction or "")


def test_lint_balance_finding_names_its_four_cells() -> None:
    values = songxian_like()
    values["carried_forward"][1] = 2  # commercial; row total now wrong too
    found = [
        f for f in _findings(make_report(applications=applications_table(values))) if f.rule == "T3-BALANCE"
    ]
    assert len(found) == 1
    assert _cells(found[0]) == {
        (r, "commercial") for r in ("new_received", "carried_over", "handled_total", "carried_forward")
    }
    assert found[0].detail["suspects"][0]["row"] == "carried_forward"


def test_lint_hongze_table4_totals_are_errors_with_their_corrections() -> None:
    report = make_report(review=review_table([10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0]))
    found = _findings(report)
    assert _rules(found) == ["T4-GROUP-TOTAL", "T4-GROUP-TOTAL"]
    review, after = sorted(found, key=lambda f: f.detail["identity"])
    assert review.detail["identity"] == "group review"
    # the parts cannot go negative, so only the total can be wrong
    assert review.correction == "Only one cell can be wrong: review/total should be 11 (printed 0)."
    assert "11" in review.message_zh and "总计" in review.message_zh
    assert after.detail["identity"] == "group suit_after_review"
    assert "suit_after_review/total should be 5 = 5+0+0+0" in (after.correction or "")
    assert "suit_after_review/upheld" in (after.correction or "")


def test_lint_two_wrong_cells_still_give_the_implied_total() -> None:
    values = songxian_like()
    values["granted"][0] = 3
    values["granted"][1] = 1
    found = _findings(make_report(applications=applications_table(values)))
    assert _rules(found) == ["T3-OUTCOMES", "T3-OUTCOMES", "T3-ROW-TOTAL"]
    row_total = found[-1]
    assert row_total.detail["suspects"] == []
    assert row_total.correction == (
        "No single cell change satisfies every identity (more than one cell may be wrong); "
        "if the parts are right, granted/total should be 4 = 3+1+0+0+0+0."
    )


@pytest.mark.parametrize("blank", [None, "/", "—"])
def test_lint_blank_cell_is_structure_not_arithmetic(blank: object) -> None:
    values = songxian_like()
    values["granted"][0] = blank  # type: ignore[call-overload]
    found = _findings(make_report(applications=applications_table(values)))
    assert _rules(found) == ["S-CELL-BLANK"]
    assert found[0].severity == "warning"
    assert _cells(found[0]) == {("granted", "natural_person")}


def test_lint_text_cell_is_an_error_and_blocks_arithmetic() -> None:
    values = songxian_like()
    values["granted"][6] = "两件"
    found = _findings(make_report(applications=applications_table(values)))
    assert _rules(found) == ["S-CELL-TEXT"]


def test_lint_missing_row_makes_outcome_identity_unverifiable() -> None:
    values = songxian_like()
    table = applications_table(values, missing=["denied_third_party"])
    found = _findings(make_report(applications=table))
    assert _rules(found) == ["S-ROW-MISSING"]
    assert found[0].cells[0].row == "denied_third_party"


def test_lint_reported_missing_row_is_not_reported_twice() -> None:
    table = applications_table(songxian_like(), missing=["granted"])
    report = make_report(applications=table)
    report.problems.append(problem(ErrorCode.ROW_MISSING, table="applications", row="granted", line=7))
    assert _rules(_findings(report)) == ["S-ROW-MISSING"]


def test_lint_2019_single_other_row_is_summed() -> None:
    values = applications_values({"other_handling": (1, 0, 0, 0, 0, 0)}, single_other=True)
    report = make_report(applications=applications_table(values))
    assert _findings(report) == []
    values["other_handling"][0] = 0
    assert "T3-OUTCOMES" in _rules(_findings(make_report(applications=applications_table(values))))


@settings(max_examples=60, deadline=None)
@given(
    outcomes=st.dictionaries(
        st.sampled_from(OUTCOMES_2021), st.tuples(*[st.integers(0, 40)] * 6), max_size=6
    ),
    forward=st.tuples(*[st.integers(0, 5)] * 6),
    target=st.tuples(st.integers(0, 24), st.integers(0, 6)),
    delta=st.integers(-3, 3).filter(bool),
)
def test_lint_any_single_changed_cell_of_table3_is_found_and_located(
    outcomes: dict[str, tuple[int, ...]], forward: tuple[int, ...], target: tuple[int, int], delta: int
) -> None:
    values = applications_values(outcomes, carried_forward=forward)
    assert _findings(make_report(applications=applications_table(values))) == []
    row_key = list(values)[target[0]]
    column = T3_COLUMNS[target[1]]
    original = values[row_key][target[1]]
    values[row_key][target[1]] = max(0, original + delta) if original + delta >= 0 else original + 1
    found = _findings(make_report(applications=applications_table(values)))
    assert found and all(f.severity == "error" for f in found)
    for finding in found:
        assert finding.detail["suspects"] == [
            {"row": row_key, "column": column, "printed": values[row_key][target[1]], "should_be": original}
        ]


# --- counts ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "column", "value", "flagged"),
    [
        ("regulations", "issued", -1, True),
        ("normative_documents", "in_force", Decimal("2.5"), True),
        ("normative_documents", "in_force", Decimal("3"), False),
        ("fees", "amount_wan_yuan", Decimal("8461.5652"), False),
        ("fees", "amount_wan_yuan", Decimal("-1.5"), True),
        ("licensing", "change", -207, False),
        ("licensing", "change", Decimal("0.5"), True),
        ("punishment", "decisions", 3341, False),
    ],
)
def test_lint_table2_counts_are_non_negative_integers(
    row: str, column: str, value: object, flagged: bool
) -> None:
    report = make_report(active=active_table({row: {column: value}}))  # type: ignore[dict-item]
    assert _rules(_findings(report)) == (["COUNT-INVALID"] if flagged else [])


def test_lint_negative_count_in_table4_is_flagged_once_as_count() -> None:
    report = make_report(review=review_table([-1, 1, 0, 0, 0] + [0] * 10))
    assert _rules(_findings(report)) == ["COUNT-INVALID"]


def test_lint_not_applicable_in_table2_is_not_a_finding() -> None:
    report = make_report(
        active=active_table({"regulations": {"issued": "/", "repealed": "/", "in_force": "/"}})
    )
    assert _findings(report) == []


# --- structure ------------------------------------------------------------------------------------


def test_lint_row_with_too_many_cells_names_table4() -> None:
    report = make_report()
    report.problems.append(
        problem(ErrorCode.ROW_TOO_MANY_CELLS, "16 numbers for 15 columns", table="review_litigation", line=60)
    )
    found = _findings(report)
    assert _rules(found) == ["S-ROW-CELLS"]
    assert found[0].severity == "error"
    assert found[0].cells[0].table == "review_litigation"
    assert "第60行" in found[0].message_zh


@pytest.mark.parametrize(
    ("code", "rule", "severity"),
    [
        (ErrorCode.SECTION_MISSING, "S-SECTION-MISSING", "warning"),
        (ErrorCode.SECTION_INFERRED, "S-SECTION-INFERRED", "info"),
        (ErrorCode.LABEL_UNMATCHED, "S-LABEL-UNMATCHED", "warning"),
        (ErrorCode.TABLE_TRUNCATED, "S-TABLE-TRUNCATED", "error"),
        (ErrorCode.READ_OCR_NEEDED, "S-UNREADABLE", "error"),
        (ErrorCode.CONFIG_INVALID, "S-OTHER", "warning"),
    ],
)
def test_lint_problem_codes_map_to_rules(code: ErrorCode, rule: str, severity: str) -> None:
    report = make_report()
    report.problems.append(problem(code))
    found = _findings(report)
    assert [(f.rule, f.severity) for f in found] == [(rule, severity)]


def test_lint_missing_table_is_an_error() -> None:
    report = make_report()
    report.tables.review_litigation = None
    assert _rules(_findings(report)) == ["S-TABLE-MISSING"]


def _section(ordinal: str, line: int) -> Section:
    span = Span(start=line, end=line + 1, line=line, end_line=line)
    return Section(key=None, ordinal=ordinal, title=f"标题{ordinal}", text="", span=span)


@pytest.mark.parametrize(
    ("ordinals", "expected"),
    [
        ("一二三四五六", []),
        ("一二四五六", [("四", "三")]),
        ("一二三四五六一二三", [("一", "七")]),
    ],
)
def test_lint_outline_numbering_skips_and_restarts(ordinals: str, expected: list[tuple[str, str]]) -> None:
    report = make_report(sections=[_section(o, i + 1) for i, o in enumerate(ordinals)])
    found = _findings(report)
    assert [(f.detail["printed"], f.detail["expected"]) for f in found] == expected
    assert all(f.rule == "S-OUTLINE" for f in found)


# --- cross-report ---------------------------------------------------------------------------------


def _yearly(year: int, body: str, *, forward: int = 0, over: int = 0, in_force: int = 39) -> object:
    values = applications_values(
        {"granted": (2, 0, 0, 0, 0, 0)},
        carried_over=(over, 0, 0, 0, 0, 0),
        carried_forward=(forward, 0, 0, 0, 0, 0),
    )
    active = active_table({"normative_documents": {"issued": 10, "repealed": 2, "in_force": in_force}})
    return make_report(
        applications=applications_table(values),
        active=active,
        source=f"{body}{year}.txt",
        issuing_body=body,
        year=year,
    )


def test_lint_cross_year_rules() -> None:
    before = _yearly(2021, "嵩县人民政府", forward=3, in_force=30)
    after = _yearly(2022, "嵩县人民政府", over=1, in_force=39)
    results = check_reports([after, before], with_claims=False)  # type: ignore[list-item]
    found = results[after.sha256].findings  # type: ignore[attr-defined]
    assert _rules(found) == ["X-CARRIED-OVER", "X-CARRIED-OVER", "X-IN-FORCE"]  # natural_person and total
    carried = found[0]
    assert carried.severity == "error" and carried.cells[0].row == "carried_over"
    assert "should be 3" in (carried.correction or "")
    assert found[2].severity == "warning" and "38 = 30+10−2" in (found[2].correction or "")
    assert results[before.sha256].findings == []  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("body_a", "body_b", "paired"),
    [
        ("淮安市洪泽区人民政府", "洪泽区人民政府", True),
        ("彭水苗族土家族自治县人民政府(机关)", "彭水苗族土家族自治县人民政府", True),
        ("嵩县人民政府", "中牟县人民政府", False),
    ],
)
def test_lint_previous_year_pairing(body_a: str, body_b: str, paired: bool) -> None:
    now = make_report(source="a", issuing_body=body_a, year=2023)
    before = make_report(source="b", issuing_body=body_b, year=2022)
    other_year = make_report(source="c", issuing_body=body_b, year=2021)
    assert find_previous(now, [now, other_year, before]) is (before if paired else None)


def test_lint_pairing_by_region_when_names_are_missing() -> None:
    meta = ReportMeta(level="county", region={"adcode": "410325"})  # type: ignore[arg-type]
    now = make_report(source="a", year=2022, meta=meta)
    before = make_report(source="b", year=2021, meta=meta)
    assert find_previous(now, [before]) is before


# --- claims ---------------------------------------------------------------------------------------


def _claim(verdict: str, *, cue: str | None = None) -> Claim:
    return Claim(
        sentence="全年收到政府信息公开申请9件。",
        span=Span(start=10, end=12, line=3, end_line=3),
        metric="applications.received",
        value=9,
        unit="件",
        verdict=verdict,  # type: ignore[arg-type]
        readings_tried={"new_received": 8, "new_received+carried_over": 8},
        scope_cue=cue,
    )


@pytest.mark.parametrize(
    ("verdict", "cue", "expected"),
    [
        ("supported", None, []),
        ("contradicted", None, [("C-CONTRADICTED", "error")]),
        ("contradicted", "本机关", [("C-SCOPE", "warning")]),
        ("unverifiable", None, [("C-UNVERIFIABLE", "info")]),
    ],
)
def test_lint_claim_verdicts_become_findings(
    verdict: str, cue: str | None, expected: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("nlp.lint.verified_claims", lambda report: [_claim(verdict, cue=cue)])
    result = check_report(make_report())
    assert [(f.rule, f.severity) for f in result.findings] == expected
    assert len(result.claims) == 1
    if verdict == "contradicted":
        finding = result.findings[0]
        assert finding.span == result.claims[0].span and finding.text == result.claims[0].sentence
        assert "new_received = 8" in finding.message_en and finding.correction == "the tables give 8"


# --- filtering ------------------------------------------------------------------------------------


def test_lint_filter_findings_by_rule_and_severity() -> None:
    report = make_report(review=review_table([10, 1, 0, 0, 0] + [0] * 10))
    report.problems.append(problem(ErrorCode.SECTION_INFERRED))
    found = _findings(report)
    assert _rules(filter_findings(found, min_severity="warning")) == ["T4-GROUP-TOTAL"]
    assert _rules(filter_findings(found, rules=["S-SECTION-INFERRED"])) == ["S-SECTION-INFERRED"]
    assert _rules(filter_findings(found, ignore_rules=["T4-GROUP-TOTAL"])) == ["S-SECTION-INFERRED"]
    assert [f.severity for f in found] == ["error", "info"]  # most severe first
