"""GET /api/reports, /api/reports/{id}, /api/findings and /api/export, and `govreport export`, in-process
against both embedded engines holding reports ingested as `govreport ingest` does (seeds, a PDF, a
crawler dump with glued rows, a published page with a blank 总计 column)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import IndexOf, api_client
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from indexer.backends import open_backend
from indexer.documents import build_bundle
from nlp.errors import ErrorCode
from nlp.export import CELL_COLUMNS, cell_records
from nlp.extract import extract_path
from nlp.settings import Settings
from search_api.app import create_app
from search_api.cli import app as cli_app
from search_api.display import display_source
from search_api.exporting import COLUMNS
from search_api.ingest import ingest_paths
from search_api.models import FindingList, ReportList, ReportView

ROOT = Path(__file__).resolve().parent.parent
PDF = ROOT / "samples" / "real" / "hongze_2023.pdf"
DUMP = ROOT / "samples" / "crawler" / "fujian_pingtan_caizhengjinrong_2022.txt"
PAGE = ROOT / "tests" / "fixtures" / "html" / "blank_total_column.html"
FILES = [*sorted((ROOT / "samples" / "seeds").glob("*.txt")), PDF, DUMP, PAGE]
KNOWN_CODES = {c.value for c in ErrorCode}


@pytest.fixture(scope="module", params=["sqlite", "tantivy"])
def indexed(request: pytest.FixtureRequest, index_of: IndexOf) -> Settings:
    return index_of(FILES, request.param)  # read only; the tests that write build their own


@pytest.fixture(scope="module")
def client(indexed: Settings) -> Iterator[TestClient]:
    with api_client(indexed) as test_client:
        yield test_client


def _ok(client: TestClient, path: str, **params: object) -> dict[str, object]:
    response = client.get(path, params=params)  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def _refused(client: TestClient, path: str, status: int, parameter: str | None, **params: object) -> None:
    response = client.get(path, params=params)  # type: ignore[arg-type]
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] in KNOWN_CODES and error["parameter"] == parameter, error


def _reports(client: TestClient, **params: object) -> ReportList:
    return ReportList.model_validate(_ok(client, "/api/reports", page_size=100, **params))


def _report_id(client: TestClient, source: Path) -> str:
    return next(r.report_id for r in _reports(client).reports if r.source == display_source(str(source)))


# --- GET /api/reports ------------------------------------------------------------------------------


def test_reports_list_every_report_with_facets(client: TestClient) -> None:
    listed = _reports(client)
    assert listed.total == len(FILES) == len(listed.reports)
    assert {r.source for r in listed.reports} == {display_source(str(f)) for f in FILES}
    assert set(listed.facets) == {"province", "city", "county", "level", "year", "body", "flag"}
    assert sum(b.count for b in listed.facets["year"]) == len(FILES)  # every file has a year
    assert "values" not in _ok(client, "/api/reports")["reports"][0]  # type: ignore[index]


@pytest.mark.parametrize("facet", ["province", "city", "county", "level", "year", "body"])
def test_reports_each_facet_bucket_is_what_its_filter_lists(client: TestClient, facet: str) -> None:
    for bucket in _reports(client).facets[facet]:
        narrowed = _reports(client, **{facet: bucket.value})
        assert narrowed.total == bucket.count
        field = "issuing_body" if facet == "body" else facet
        assert {str(getattr(r, field)) for r in narrowed.reports} == {str(bucket.value)}
        # a facet counts with every filter but its own: its other values stay offered
        assert narrowed.facets[facet] == _reports(client).facets[facet]


def test_reports_filters_and_across_names_or_within(client: TestClient) -> None:
    both = _reports(client, province=["河南省", "江苏省"])
    henan, jiangsu = _reports(client, province="河南省"), _reports(client, province="江苏省")
    assert both.total == henan.total + jiangsu.total > 0
    assert _reports(client, province="河南省", year=2021).total == sum(
        1 for r in henan.reports if r.year == 2021
    )


def test_reports_paged_and_sorted(client: TestClient) -> None:
    pages = [_ok(client, "/api/reports", page=p, page_size=3)["reports"] for p in (1, 2, 3, 4)]
    ids = [r["report_id"] for page in pages for r in page]  # type: ignore[attr-defined]
    assert len(ids) == len(set(ids)) == len(FILES)
    first = _reports(client, sort="errors").reports[0]
    assert first.findings_by_severity.get("error", 0) == max(
        r.findings_by_severity.get("error", 0) for r in _reports(client).reports
    )
    years = [r.year or 0 for r in _reports(client, sort="year").reports]
    assert years == sorted(years, reverse=True)


@pytest.mark.parametrize(
    ("params", "status", "parameter"),
    [
        ({"page": 0}, 400, "page"),
        ({"page": -5}, 400, "page"),
        ({"page_size": 0}, 400, "page_size"),
        ({"page_size": 10**6}, 400, "page_size"),
        ({"page": "x"}, 422, "page"),
        ({"year": "二〇二一"}, 422, "year"),
        ({"sort": "random"}, 422, "sort"),
    ],
)
def test_reports_hostile_parameters_are_refused(
    client: TestClient, params: dict[str, object], status: int, parameter: str
) -> None:
    _refused(client, "/api/reports", status, parameter, **params)


@pytest.mark.parametrize(
    "params",
    [{"province": "'; DROP TABLE reports; --"}, {"body": "\x00"}, {"city": "*"}, {"year": 10**30},
     {"page": 10**30}, {"county": "𠀀" * 500}, {"level": ""}],
)  # fmt: skip
def test_reports_odd_values_answer_empty_pages(client: TestClient, params: dict[str, object]) -> None:
    listed = _reports(client, **params)
    assert listed.reports == [] or params == {"level": ""}


# --- GET /api/reports/{id} -------------------------------------------------------------------------


def test_report_view_tables_cell_by_cell(client: TestClient) -> None:
    report_id = _report_id(client, PDF)
    view = ReportView.model_validate(_ok(client, f"/api/reports/{report_id}"))
    assert view.detail_stored and view.tables is not None
    table = view.tables.review_litigation
    assert table is not None
    cell = next(r for r in table.rows if r.key == "review").cells["total"]
    assert (cell.raw, cell.kind, cell.line) == ("0", "number", 61) and cell.span and cell.span.page == 4
    assert view.values["review_litigation.review.total"] == 0  # the document's keys are unchanged
    assert view.passages and len(view.passages) == view.passage_count
    assert all(p.span.line >= 1 for p in view.passages)


def test_report_view_findings_point_at_their_cells(client: TestClient) -> None:
    view = ReportView.model_validate(_ok(client, f"/api/reports/{_report_id(client, PDF)}"))
    finding = next(f for f in view.findings if f.rule == "T4-GROUP-TOTAL")
    assert {(c.row, c.column) for c in finding.cells} >= {("review", "total")}
    assert all(c.page == 4 for c in finding.cells) and finding.correction
    assert view.findings_by_rule["T4-GROUP-TOTAL"] == sum(
        1 for f in view.findings if f.rule == "T4-GROUP-TOTAL"
    )


def test_report_view_claims_with_sentence_spans_and_verdicts(client: TestClient) -> None:
    seed = ROOT / "samples" / "seeds" / "lingqiu_2022.txt"
    view = ReportView.model_validate(_ok(client, f"/api/reports/{_report_id(client, seed)}"))
    assert view.claims
    for claim in view.claims:
        assert claim.verdict is not None and claim.sentence_span is not None
        assert claim.sentence_span.start <= claim.span.start < claim.span.end <= claim.sentence_span.end


def test_report_view_glued_rows_keep_their_decoding(client: TestClient) -> None:
    body = _ok(client, f"/api/reports/{_report_id(client, DUMP)}")
    rows = [row for table in body["tables"].values() if table for row in table["rows"]]  # type: ignore[attr-defined]
    decoded = [row for row in rows if row["decoding"]]
    assert decoded and all(row["decoding"]["method"] for row in decoded)
    assert all(row["decoding"]["printed"] for row in decoded)


def test_report_view_blank_total_column_has_derived_cells(client: TestClient) -> None:
    view = ReportView.model_validate(_ok(client, f"/api/reports/{_report_id(client, PAGE)}"))
    assert view.tables is not None and view.tables.applications is not None
    derived = [row for row in view.tables.applications.rows if row.derived]
    assert derived and all(
        row.cells.get("total") is None or row.cells["total"].kind == "blank" for row in derived
    )


def test_report_view_of_a_report_indexed_without_detail(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, backend="sqlite")
    backend = open_backend(settings)
    bundle = build_bundle(extract_path(FILES[0]))  # built by hand: no detail
    backend.index([bundle])
    backend.close()
    with TestClient(create_app(settings=settings)) as test_client:
        view = ReportView.model_validate(_ok(test_client, f"/api/reports/{bundle.report.report_id}"))
        assert not view.detail_stored and view.tables is None and view.findings == []
        assert _ok(test_client, "/api/findings")["total"] == 0
        assert test_client.get("/api/export", params={"what": "cells"}).text.count("\n") == 1  # header only


def test_reingest_replaces_the_detail(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, backend="tantivy")
    target = tmp_path / "r.txt"
    target.write_bytes(FILES[0].read_bytes())
    backend = open_backend(settings)
    try:
        ingest_paths([target], backend=backend, settings=settings)
        old = backend.reports()[0].report_id
        target.write_text(target.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        ingest_paths([target], backend=backend, settings=settings)
        new = backend.reports()[0].report_id
        assert old != new and len(backend.reports()) == 1
        assert backend.get_detail(old) is None and backend.get_detail(new) is not None
        assert backend.delete_report(new) and backend.get_detail(new) is None
    finally:
        backend.close()


# --- GET /api/findings -----------------------------------------------------------------------------


def _findings(client: TestClient, **params: object) -> FindingList:
    return FindingList.model_validate(_ok(client, "/api/findings", page_size=100, **params))


def test_findings_are_every_stored_finding(client: TestClient) -> None:
    listed = _findings(client)
    expected = sum(sum(r.findings_by_severity.values()) for r in _reports(client).reports)
    assert listed.total == expected > 0
    assert {"rule", "severity", "province", "year", "body"} <= set(listed.facets)
    assert sum(b.count for b in listed.facets["rule"]) == listed.total


@pytest.mark.parametrize("facet", ["rule", "severity", "province", "year", "body"])
def test_findings_each_facet_bucket_is_what_its_filter_lists(client: TestClient, facet: str) -> None:
    for bucket in _findings(client).facets[facet]:
        narrowed = _findings(client, **{facet: bucket.value})
        assert narrowed.total == bucket.count
        for item in narrowed.findings:
            value = {
                "rule": item.finding.rule, "severity": item.finding.severity,
                "province": item.province, "year": item.year, "body": item.issuing_body,
            }[facet]  # fmt: skip
            assert str(value) == str(bucket.value)


def test_findings_of_a_rule_carry_cells_and_report(client: TestClient) -> None:
    listed = _findings(client, rule="T4-GROUP-TOTAL", severity="error")
    assert listed.total >= 1
    item = listed.findings[0]
    assert item.source == display_source(str(PDF)) and item.finding.cells and item.county == "洪泽区"
    # the severity facet still offers every severity of that rule; the rule facet every rule of errors
    assert {b.value for b in listed.facets["rule"]} >= {"T4-GROUP-TOTAL"}


# --- flag=<rule id> ---------------------------------------------------------------------------------


def test_flag_rule_finds_the_reports_and_passages_of_that_rule(client: TestClient) -> None:
    """A table finding (T4-GROUP-TOTAL: no passage holds it) is found by its rule id in search and in
    the report list; every passage of its report carries it, no other report's passage does."""
    with_rule = {f.report_id for f in _findings(client, rule="T4-GROUP-TOTAL").findings}
    assert with_rule
    reports = _reports(client, flag="T4-GROUP-TOTAL")
    assert {r.report_id for r in reports.reports} == with_rule
    assert {b.value for b in _reports(client).facets["flag"]} >= {"T4-GROUP-TOTAL", "has_error"}
    hits = _ok(client, "/api/search", flag="T4-GROUP-TOTAL", page_size=100, facet="flag")
    assert {h["report_id"] for h in hits["hits"]} == with_rule  # type: ignore[index]
    passages = sum(r.passage_count for r in reports.reports)
    assert hits["total"] == passages > 0
    assert all("T4-GROUP-TOTAL" in h["flags"] for h in hits["hits"])  # type: ignore[index]


def test_flag_unknown_rule_finds_nothing(client: TestClient) -> None:
    assert _reports(client, flag="NO-SUCH-RULE").total == 0
    assert _ok(client, "/api/search", flag="NO-SUCH-RULE")["total"] == 0


# --- no absolute path leaves the server ------------------------------------------------------------


def test_responses_never_show_the_servers_absolute_paths(client: TestClient) -> None:
    report_id = _report_id(client, PDF)
    answers = [
        client.get("/api/search", params={"q": "公开", "page_size": 50}),
        client.get("/api/reports", params={"page_size": 100}),
        client.get(f"/api/reports/{report_id}"),
        client.get("/api/findings", params={"page_size": 100}),
        *(
            client.get("/api/export", params={"what": what})
            for what in ("cells", "findings", "passages", "reports")
        ),
    ]
    for response in answers:
        assert response.status_code == 200, response.text
        assert str(ROOT) not in response.text, response.url
    hit = answers[0].json()["hits"][0]
    assert not Path(hit["source"]).is_absolute()


def test_findings_paged(client: TestClient) -> None:
    total = _findings(client).total
    seen = []
    for page in range(1, total // 5 + 2):
        seen += [
            json.dumps(f, sort_keys=True)
            for f in _ok(client, "/api/findings", page=page, page_size=5)["findings"]
        ]  # type: ignore[union-attr]
    assert len(seen) == total


@pytest.mark.parametrize(
    ("params", "status", "parameter"),
    [
        ({"severity": "fatal"}, 422, "severity"),
        ({"page": 0}, 400, "page"),
        ({"page_size": 101}, 400, "page_size"),
        ({"year": "x"}, 422, "year"),
    ],
)
def test_findings_hostile_parameters_are_refused(
    client: TestClient, params: dict[str, object], status: int, parameter: str
) -> None:
    _refused(client, "/api/findings", status, parameter, **params)


@pytest.mark.parametrize("rule", ["NO-SUCH-RULE", "", "T3-BALANCE' OR 1=1", "\x00", "*"])
def test_findings_unknown_rules_find_nothing(client: TestClient, rule: str) -> None:
    assert _findings(client, rule=rule).total == 0 or rule == ""


# --- GET /api/export and govreport export ----------------------------------------------------------


def _export(client: TestClient, what: str, output_format: str, **params: object) -> str:
    response = client.get("/api/export", params={"what": what, "format": output_format, **params})  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    assert "attachment" in response.headers["content-disposition"]
    return response.text


@pytest.mark.parametrize("what", ["cells", "findings", "passages", "reports"])
def test_export_csv_and_jsonl_hold_the_same_records(client: TestClient, what: str) -> None:
    rows = list(csv.reader(io.StringIO(_export(client, what, "csv"))))
    assert tuple(rows[0]) == COLUMNS[what]
    lines = [json.loads(line) for line in _export(client, what, "jsonl").splitlines()]
    assert len(lines) == len(rows) - 1 > 0
    assert all(tuple(line) == COLUMNS[what] for line in lines)
    assert [r[0] for r in rows[1:]] == [str(line[COLUMNS[what][0]]) for line in lines]


def test_export_cells_start_with_the_extract_cells_columns(client: TestClient) -> None:
    rows = list(csv.DictReader(io.StringIO(_export(client, "cells", "csv"))))
    assert COLUMNS["cells"][: len(CELL_COLUMNS)] == CELL_COLUMNS
    expected = [record for path in FILES for record in cell_records(extract_path(path))]
    assert len(rows) == len(expected)
    by_source = {(r["source"], r["table"], r["row"], r["column"]): r for r in rows}
    for record in expected[:400]:
        shown = display_source(record["source"])
        row = by_source[(shown, record["table"], record["row"], record["column"])]
        assert {k: row[k] for k in CELL_COLUMNS} == {**record, "source": shown}
    flagged = [r for r in rows if "T4-GROUP-TOTAL" in r["findings"].split(";")]
    assert {(r["row"], r["column"], r["page"]) for r in flagged} >= {("review", "total", "4")}


def test_export_findings_match_the_findings_endpoint(client: TestClient) -> None:
    rows = list(csv.DictReader(io.StringIO(_export(client, "findings", "csv", severity="error"))))
    assert len(rows) == _findings(client, severity="error").total
    assert all(r["severity"] == "error" and r["rule"] for r in rows)


def test_export_filters_like_the_lists(client: TestClient) -> None:
    rows = list(csv.DictReader(io.StringIO(_export(client, "reports", "csv", province="河南省"))))
    assert len(rows) == _reports(client, province="河南省").total and {r["province"] for r in rows} == {
        "河南省"
    }
    passages = list(csv.DictReader(io.StringIO(_export(client, "passages", "csv", province="河南省"))))
    assert sum(int(r["passage_count"]) for r in rows) == len(passages)
    assert all(r["topics"] is not None for r in passages)


@pytest.mark.parametrize(
    ("params", "parameter"),
    [({"what": "everything"}, "what"), ({"format": "xlsx"}, "format"), ({"format": "PARQUET"}, "format"),
     ({"year": "x"}, "year"), ({"severity": "bad"}, "severity")],
)  # fmt: skip
def test_export_hostile_parameters_are_refused(
    client: TestClient, params: dict[str, object], parameter: str
) -> None:
    _refused(client, "/api/export", 422, parameter, **params)


# --- GET /api/export?what=search -------------------------------------------------------------------


def _search_hits(client: TestClient, **params: object) -> list[dict[str, object]]:
    """Every hit of a search, page after page, as GET /api/search answers them."""
    hits: list[dict[str, object]] = []
    token = None
    while True:
        page = _ok(client, "/api/search", page_size=7, **params, **({"page_token": token} if token else {}))
        hits += page["hits"]  # type: ignore[arg-type]
        token = page["next_page_token"]
        if not token:
            return hits


@pytest.mark.parametrize(
    "params",
    [
        {"q": "公开"},
        {"q": "政策解读", "province": "河南省", "sort": "year"},
        {"flag": "T4-GROUP-TOTAL"},
        {"q": '"信息公开" -培训', "kind": "problem", "section": "problems_improvements"},
    ],
)
def test_export_search_streams_every_hit_in_order(client: TestClient, params: dict[str, object]) -> None:
    hits = _search_hits(client, **params)
    assert hits
    rows = list(csv.DictReader(io.StringIO(_export(client, "search", "csv", **params))))
    assert tuple(rows[0]) == COLUMNS["search"]
    assert [r["passage_id"] for r in rows] == [h["passage_id"] for h in hits]
    assert [r["rank"] for r in rows] == [str(i) for i in range(1, len(hits) + 1)]
    assert all(r["text"] == h["text"] and r["source"] == h["source"] for r, h in zip(rows, hits, strict=True))
    lines = [json.loads(line) for line in _export(client, "search", "jsonl", **params).splitlines()]
    assert [line["passage_id"] for line in lines] == [h["passage_id"] for h in hits]
    assert all(isinstance(line["topics"], list) for line in lines)


@pytest.mark.parametrize(
    ("params", "status", "parameter"),
    [
        ({}, 400, "q"),  # no text and no filter: the search refuses it, as GET /api/search does
        ({"q": "a*b"}, 400, "q"),
        ({"q": '"unbalanced'}, 400, "q"),
        ({"q": "公" * 600}, 400, "q"),
        ({"q": "公开", "year": 1066}, 400, "year"),
        ({"q": "公开", "sort": "random"}, 422, "sort"),
        ({"q": "公开", "body": ["x"] * 60}, 400, "body"),
        ({"q": "公开", "topic": "\x00"}, 400, "topic"),  # a control character
    ],
)
def test_export_search_hostile_parameters(
    client: TestClient, params: dict[str, object], status: int, parameter: str | None
) -> None:
    response = client.get("/api/export", params={"what": "search", **params})  # type: ignore[arg-type]
    assert response.status_code == status, response.text
    if status != 200:
        error = response.json()["error"]
        assert error["code"] in KNOWN_CODES and error["parameter"] == parameter, error


def test_cli_export_search_writes_what_the_api_streams(
    client: TestClient, indexed: Settings, tmp_path: Path
) -> None:
    target = tmp_path / "hits.csv"
    args = ["export", "--what", "search", "--query", "公开", "--province", "河南省", "--kind", "problem",
            "--data-dir", str(indexed.data_dir), "--backend", indexed.backend,
            "--output", str(target)]  # fmt: skip
    result = CliRunner().invoke(cli_app, args)
    assert result.exit_code == 0, result.output
    api = _export(client, "search", "csv", q="公开", province="河南省", kind="problem")
    assert _shown(target.read_text(encoding="utf-8"), "csv") == _records(api, "csv")
    refused = CliRunner().invoke(cli_app, ["export", "--what", "search", "--data-dir", str(indexed.data_dir),
                                           "--backend", indexed.backend])  # fmt: skip
    assert refused.exit_code == 2 and "query_invalid" in refused.output


def _records(text: str, output_format: str) -> list[dict[str, object]]:
    if output_format == "csv":
        return [dict(row) for row in csv.DictReader(io.StringIO(text))]
    return [json.loads(line) for line in text.splitlines()]


def _shown(text: str, output_format: str) -> list[dict[str, object]]:
    return [{**r, "source": display_source(str(r["source"]))} for r in _records(text, output_format)]


def test_cli_export_writes_what_the_api_streams(
    client: TestClient, indexed: Settings, tmp_path: Path
) -> None:
    runner = CliRunner()
    for what, output_format in (("cells", "csv"), ("findings", "jsonl"), ("passages", "csv")):
        target = tmp_path / f"{what}.{output_format}"
        args = ["export", "--what", what, "--format", output_format, "--data-dir", str(indexed.data_dir),
                "--backend", indexed.backend, "--output", str(target)]  # fmt: skip
        result = runner.invoke(cli_app, args)
        assert result.exit_code == 0, result.output
        # the same records; the CLI names files by their path, the API never shows the server's
        assert _shown(target.read_text(encoding="utf-8"), output_format) == _records(
            _export(client, what, output_format), output_format
        )
    stdout = runner.invoke(
        cli_app, ["export", "--data-dir", str(indexed.data_dir), "--backend", indexed.backend]
    )
    assert stdout.exit_code == 0 and stdout.output.splitlines()[0] == ",".join(COLUMNS["reports"])


def test_cli_export_on_a_missing_index_is_index_not_found(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli_app, ["export", "--data-dir", str(tmp_path / "none"), "--backend", "sqlite"]
    )
    assert result.exit_code == 2 and "index_not_found" in result.output
    assert not (tmp_path / "none").exists()
