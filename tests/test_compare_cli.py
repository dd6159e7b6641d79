"""`govreport compare`: json shape, csv header and rows, text layout, options, exit codes, bad files."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from search_api.commands.compare import CSV_COLUMNS, register

SEEDS = Path(__file__).resolve().parent.parent / "samples" / "seeds"
LINGQIU = SEEDS / "lingqiu_2022.txt"
MUYE = str(SEEDS / "muye_2021.txt")


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    app = typer.Typer()
    register(app)
    app.command("noop", hidden=True)(lambda: None)  # keeps `compare` a subcommand, as in the real CLI
    return app


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """lingqiu 2022, its 2023 copy (years moved on) and 广灵县's copy, plus an empty file."""
    folder = tmp_path_factory.mktemp("compare_cli")
    text = LINGQIU.read_text(encoding="utf-8")
    files = {
        "later": ("lingqiu_2023.txt", text.replace("2023", "2024").replace("2022", "2023")),
        "neighbour": ("guangling_2022.txt", text.replace("灵丘", "广灵")),
        "empty": ("empty.txt", ""),
    }
    paths = {"original": str(LINGQIU)}
    for key, (name, body) in files.items():
        (folder / name).write_text(body, encoding="utf-8")
        paths[key] = str(folder / name)
    return paths


def _run(app: typer.Typer, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, ["compare", *args])


def test_compare_cli_json_shape(app: typer.Typer, corpus: dict[str, str]) -> None:
    result = _run(app, corpus["original"], corpus["later"], corpus["neighbour"], MUYE, "--format", "json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert set(payload) == {"reports", "matches"}
    sources = [r["source"] for r in payload["reports"]]
    assert sources == [corpus["original"], corpus["later"], corpus["neighbour"], MUYE]
    for report in payload["reports"]:
        assert {"source", "issuing_body", "region", "year", "commitments"} <= set(report)
        assert [c["marker"] for c in report["commitments"]] == ["一是", "二是", "三是"]
        assert all({"text", "topics", "cues", "headline", "line"} <= set(c) for c in report["commitments"])
    kinds = sorted(m["kind"] for m in payload["matches"])
    assert kinds == ["copied_neighbour"] * 3 + ["copied_prev_year"] * 3
    for match in payload["matches"]:
        assert {"kind", "score", "a", "b", "shared"} <= set(match)
        assert {"source", "issuing_body", "year", "marker", "text", "start", "line"} <= set(match["a"])
        assert match["score"] == 100
        if match["kind"] == "copied_prev_year":  # the earlier report is the source
            assert match["b"]["source"] == corpus["original"]
        else:  # neighbours: who copied whom is unknown, so either side may be the original
            assert corpus["original"] in (match["a"]["source"], match["b"]["source"])


def test_compare_cli_csv_has_header_and_one_row_per_match(app: typer.Typer, corpus: dict[str, str]) -> None:
    result = _run(app, corpus["original"], corpus["later"], "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert result.stdout.splitlines()[0] == ",".join(CSV_COLUMNS)
    assert len(rows) == 3 and {r["kind"] for r in rows} == {"copied_prev_year"}
    assert {(r["a_year"], r["b_year"], r["a_county"]) for r in rows} == {("2023", "2022", "灵丘县")}
    assert all(r["shared"] and r["a_marker"] == r["b_marker"] for r in rows)


def test_compare_cli_csv_header_even_without_matches(app: typer.Typer) -> None:
    result = _run(app, MUYE, "--format", "csv")
    assert result.exit_code == 0 and result.stdout.splitlines() == [",".join(CSV_COLUMNS)]


def test_compare_cli_text_lists_commitments_then_pairs(app: typer.Typer, corpus: dict[str, str]) -> None:
    result = _run(app, corpus["original"], corpus["neighbour"])
    assert result.exit_code == 0, result.output
    commitments, repeated = result.stdout.split("== Repeated passages")
    assert "灵丘县人民政府办公室 (山西省 大同市 灵丘县) 2022" in commitments
    assert "广灵县人民政府办公室 (山西省 大同市 广灵县) 2022" in commitments
    assert "一是 提升信息公开质量" in commitments and "cues: 严格, 落实, 丰富, 提升" in commitments
    assert ": 3 match(es)" in repeated and "3 copied_neighbour passage(s)" in repeated
    assert "shared: 「提升信息公开质量，针对法定主动公开内容" in repeated


def test_compare_cli_kind_and_min_score(app: typer.Typer, corpus: dict[str, str]) -> None:
    problems = json.loads(
        _run(app, corpus["original"], corpus["later"], "--kind", "problem", "--format", "json").stdout
    )
    assert {m["a"]["passage_kind"] for m in problems["matches"]} == {"problem"}
    everything = _run(app, corpus["original"], MUYE, "--kind", "all", "--min-score", "0", "--format", "json")
    assert json.loads(everything.stdout)["matches"] == []  # different provinces, different years: unrelated


def test_compare_cli_bad_file_is_named_and_batch_goes_on(app: typer.Typer, corpus: dict[str, str]) -> None:
    missing = str(Path(corpus["empty"]).with_name("missing.txt"))
    args = (corpus["original"], corpus["empty"], missing, corpus["later"], "--format", "json")
    result = _run(app, *args)
    assert result.exit_code == 1
    assert f"{corpus['empty']}: [read_empty]" in result.stderr
    assert missing in result.stderr
    payload = json.loads(result.stdout)
    assert len(payload["reports"]) == 2 and len(payload["matches"]) == 3


@pytest.mark.parametrize(
    "args",
    [("--format", "xml"), ("--min-score", "101"), ("--min-score", "-1"), ("--kind", "lead_in"), ()],
)
def test_compare_cli_bad_options_exit_2(app: typer.Typer, args: tuple[str, ...]) -> None:
    result = _run(app, *args, *([MUYE] if args else []))
    assert result.exit_code == 2
