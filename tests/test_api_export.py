"""Parquet exports (GET /api/export?format=parquet and `govreport export --format parquet`), in-process
against the embedded index holding the reports tests/test_api_reports.py ingests: the same columns in
the same order as the CSV, typed, row by row the same values, in bounded row groups."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import IndexOf, api_client
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from indexer.backends import open_backend
from nlp.errors import ErrorCode
from nlp.settings import Settings
from search_api.catalog import FindingFilters
from search_api.cli import app as cli_app
from search_api.commands import export as export_command
from search_api.display import display_source
from search_api.exporting import (
    COLUMNS,
    PARQUET_MEDIA_TYPE,
    Record,
    export_records,
    parquet_schema,
    write_parquet,
)

ROOT = Path(__file__).resolve().parent.parent
FILES = [
    *sorted((ROOT / "samples" / "seeds").glob("*.txt")),
    ROOT / "samples" / "real" / "hongze_2023.pdf",  # pages
    ROOT / "samples" / "crawler" / "fujian_pingtan_caizhengjinrong_2022.txt",  # glued rows
    ROOT / "tests" / "fixtures" / "html" / "blank_total_column.html",  # blank cells
]
WHATS = ["cells", "findings", "passages", "reports", "search"]
SEARCH = {"q": "公开"}
KNOWN_CODES = {c.value for c in ErrorCode}


@pytest.fixture(scope="module")
def indexed(index_of: IndexOf) -> Settings:
    return index_of(FILES, "tantivy")  # read only, shared with tests/test_api_reports.py


@pytest.fixture(scope="module")
def client(indexed: Settings) -> Iterator[TestClient]:
    with api_client(indexed) as test_client:
        yield test_client


def _get(client: TestClient, what: str, output_format: str, **params: object) -> bytes:
    extra = SEARCH if what == "search" else {}
    response = client.get("/api/export", params={"what": what, "format": output_format, **extra, **params})  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    assert f'filename="govreport-{what}.{output_format}"' in response.headers["content-disposition"]
    if output_format == "parquet":
        assert response.headers["content-type"] == PARQUET_MEDIA_TYPE
        assert int(response.headers["content-length"]) == len(response.content)
    return response.content


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"))))


def _table(data: bytes) -> pa.Table:
    return pq.read_table(io.BytesIO(data))


def _same(column: str, text: str, value: object) -> bool:
    """Whether a Parquet value is what the CSV prints for it."""
    if value is None:
        return text == ""
    if isinstance(value, list):
        return text == ";".join(value)
    if isinstance(value, float):
        return text != "" and float(text) == value
    return text == str(value)


def _assert_rows_match(csv_data: bytes, table: pa.Table, what: str) -> None:
    rows = _csv_rows(csv_data)
    assert tuple(rows[0]) == COLUMNS[what] == tuple(table.column_names)
    records = table.to_pylist()
    assert len(records) == len(rows) - 1
    for row, record in zip(rows[1:], records, strict=True):
        different = [c for c, text in zip(COLUMNS[what], row, strict=True) if not _same(c, text, record[c])]
        assert not different, {c: (row[COLUMNS[what].index(c)], record[c]) for c in different}


# --- GET /api/export?format=parquet ------------------------------------------------------------------


@pytest.mark.parametrize("what", WHATS)
def test_export_parquet_holds_the_csv_rows_typed(client: TestClient, what: str) -> None:
    table = _table(_get(client, what, "parquet"))
    assert table.schema.equals(parquet_schema(what), check_metadata=False)
    assert table.num_rows > 0
    _assert_rows_match(_get(client, what, "csv"), table, what)


def test_export_parquet_types_what_a_dataframe_user_expects(client: TestClient) -> None:
    cells = _table(_get(client, "cells", "parquet"))
    assert cells.schema.field("line").type == pa.int64() and cells.schema.field("year").type == pa.int64()
    assert cells.schema.field("value").type == pa.float64()  # table 2's 万元 amounts have decimals
    assert cells.schema.field("findings").type == pa.list_(pa.string())
    assert any(v is not None for v in cells.column("page").to_pylist())  # the PDF's pages
    blank = [r for r in cells.to_pylist() if r["kind"] == "blank"]
    assert blank and all(r["value"] is None for r in blank)
    passages = _table(_get(client, "passages", "parquet")).to_pylist()
    assert all(isinstance(p["topics"], list) and isinstance(p["flags"], list) for p in passages)
    reports = _table(_get(client, "reports", "parquet")).to_pylist()
    for report in reports:  # a mapping is the CSV's JSON text; the counts are integers
        assert isinstance(json.loads(report["values"]), dict) and isinstance(report["errors"], int)
        assert sum(json.loads(report["findings_by_rule"]).values()) == (
            report["errors"] + report["warnings"] + report["info"]
        )
    hits = _table(_get(client, "search", "parquet")).to_pylist()
    assert [h["rank"] for h in hits] == list(range(1, len(hits) + 1))


def test_export_parquet_filters_like_the_csv(client: TestClient) -> None:
    params = {"province": "河南省", "severity": "error"}
    _assert_rows_match(
        _get(client, "findings", "csv", **params),
        _table(_get(client, "findings", "parquet", **params)),
        "findings",
    )
    search = {"q": "政策解读", "province": "河南省", "sort": "year"}
    _assert_rows_match(
        _get(client, "search", "csv", **search), _table(_get(client, "search", "parquet", **search)), "search"
    )


@pytest.mark.parametrize("what", WHATS)
def test_export_parquet_of_nothing_is_the_schema_with_no_rows(client: TestClient, what: str) -> None:
    table = _table(_get(client, what, "parquet", province="无此省"))
    assert table.num_rows == 0 and table.schema.equals(parquet_schema(what), check_metadata=False)


@pytest.mark.parametrize(
    ("params", "status", "parameter"),
    [
        ({"what": "search"}, 400, "q"),  # no text and no filter
        ({"what": "search", "q": "a*b"}, 400, "q"),
        ({"what": "search", "q": '"unbalanced'}, 400, "q"),
        ({"what": "search", "q": "公" * 600}, 400, "q"),
        ({"what": "search", "q": "公开", "year": 1066}, 400, "year"),
        ({"what": "search", "q": "公开", "topic": "\x00"}, 400, "topic"),
        ({"what": "search", "q": "公开", "sort": "random"}, 422, "sort"),
        ({"what": "everything"}, 422, "what"),
        ({"what": "cells", "year": "x"}, 422, "year"),
        ({"what": "findings", "severity": "bad"}, 422, "severity"),
    ],
)
def test_export_parquet_hostile_parameters_are_refused(
    client: TestClient, params: dict[str, object], status: int, parameter: str
) -> None:
    response = client.get("/api/export", params={"format": "parquet", **params})  # type: ignore[arg-type]
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] in KNOWN_CODES and error["parameter"] == parameter, error


# --- write_parquet -------------------------------------------------------------------------------------


def test_write_parquet_writes_bounded_row_groups(indexed: Settings) -> None:
    backend = open_backend(indexed, create=False)
    try:
        sink = io.BytesIO()
        rows = write_parquet(
            export_records(backend, "cells", FindingFilters()), "cells", sink, rows_per_group=50
        )
    finally:
        backend.close()
    metadata = pq.ParquetFile(io.BytesIO(sink.getvalue())).metadata
    assert metadata.num_rows == rows > 100
    sizes = [metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)]
    assert metadata.num_row_groups == -(-rows // 50) and max(sizes) == 50


def test_write_parquet_cut_short_by_an_error_leaves_no_readable_file() -> None:
    def records() -> Iterator[Record]:
        yield {"report_id": "r1", "errors": 1, "flags": ["has_error"]}
        raise RuntimeError("the backend went away")

    sink = io.BytesIO()
    with pytest.raises(RuntimeError, match="went away"):
        write_parquet(records(), "reports", sink, rows_per_group=1)
    with pytest.raises(pa.ArrowInvalid):
        pq.read_table(io.BytesIO(sink.getvalue()))  # no footer: never read as a whole, shorter file


# --- govreport export --format parquet -----------------------------------------------------------------


def _cli(indexed: Settings, *args: str) -> list[str]:
    return ["export", "--data-dir", str(indexed.data_dir), "--backend", indexed.backend, *args]


def _shown(table: pa.Table) -> list[dict[str, object]]:
    return [{**r, "source": display_source(str(r["source"]))} for r in table.to_pylist()]


@pytest.mark.parametrize("what", WHATS)
def test_cli_export_parquet_writes_what_the_api_streams(
    client: TestClient, indexed: Settings, tmp_path: Path, what: str
) -> None:
    target = tmp_path / f"{what}.parquet"
    query = ["--query", SEARCH["q"]] if what == "search" else []
    result = CliRunner().invoke(cli_app, _cli(indexed, "--what", what, "--format", "parquet", *query,
                                              "--output", str(target)))  # fmt: skip
    assert result.exit_code == 0, result.output
    # the same rows; the CLI names files by their path, the API never shows the server's
    assert _shown(pq.read_table(target)) == _table(_get(client, what, "parquet")).to_pylist()


def test_cli_export_parquet_to_a_pipe(client: TestClient, indexed: Settings) -> None:
    result = CliRunner().invoke(cli_app, _cli(indexed, "--what", "findings", "--format", "parquet"))
    assert result.exit_code == 0, result.stderr
    assert _shown(_table(result.stdout_bytes)) == _table(_get(client, "findings", "parquet")).to_pylist()


def test_cli_export_parquet_refuses_a_terminal(
    indexed: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export_command, "_is_terminal", lambda stream: True)
    missing = tmp_path / "none"
    result = CliRunner().invoke(cli_app, ["export", "--format", "parquet", "--data-dir", str(missing)])
    assert result.exit_code == 2 and result.stdout_bytes == b""
    assert result.stderr.splitlines() == [
        "export: [option_unsupported] Parquet is binary, not for a terminal: "
        "give --output FILE or pipe stdout"
    ]
    assert not missing.exists()
    # CSV to a terminal is still fine, and so is Parquet to a file
    assert CliRunner().invoke(cli_app, _cli(indexed)).exit_code == 0
    target = tmp_path / "reports.parquet"
    assert (
        CliRunner().invoke(cli_app, _cli(indexed, "--format", "parquet", "--output", str(target))).exit_code
        == 0
    )
    assert pq.read_table(target).num_rows == len(FILES)


def test_export_modules_import_pyarrow_only_for_parquet() -> None:
    code = (
        "import sys\n"
        "import search_api.exporting, search_api.routers.export, search_api.commands.export\n"
        "print(sorted(m for m in sys.modules if m == 'pyarrow' or m.startswith('pyarrow.')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "[]"
