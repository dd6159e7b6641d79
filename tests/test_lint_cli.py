"""`govreport check`: output formats, filters, exit codes (0 clean, 1 error findings, 2 unreadable)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from search_api.commands.check import register

SEEDS = Path(__file__).resolve().parent.parent / "samples" / "seeds"
SONGXIAN = str(SEEDS / "songxian_2021.txt")
PENGSHUI = str(SEEDS / "pengshui_2021.txt")
LINGQIU = str(SEEDS / "lingqiu_2022.txt")


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    app = typer.Typer()
    register(app)
    app.command("noop", hidden=True)(lambda: None)  # keeps `check` a subcommand, as in the real CLI
    return app


def _run(app: typer.Typer, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, ["check", *args])


def test_lint_cli_text_is_grouped_by_file_and_exits_1_on_errors(app: typer.Typer) -> None:
    result = _run(app, SONGXIAN, PENGSHUI, "--no-claims")
    assert result.exit_code == 1, result.output
    songxian, pengshui = result.stdout.split("\n\n")[:2]
    assert songxian.startswith(SONGXIAN) and "error   S-ROW-CELLS (line 82)" in songxian
    assert "行政复议、行政诉讼" in songxian and "1 error(s)" in songxian
    assert pengshui.startswith(PENGSHUI) and "0 error(s), 0 warning(s), 0 info" in pengshui


def test_lint_cli_clean_reports_exit_0_with_claims(app: typer.Typer) -> None:
    result = _run(app, PENGSHUI, LINGQIU, "--format", "json")
    assert result.exit_code == 0, result.output
    reports = json.loads(result.stdout)["reports"]
    assert [r["source"] for r in reports] == [PENGSHUI, LINGQIU]
    assert all(r["findings"] == [] for r in reports)
    verdicts = {(c["metric"], c["value"], c["verdict"]) for r in reports for c in r["claims"]}
    assert ("applications.handled", 6, "supported") in verdicts  # lingqiu: 办理依申请公开6件
    assert ("applications.received", 9, "supported") in verdicts  # pengshui: 收到9件


def test_lint_cli_json_findings_carry_rule_severity_and_cells(app: typer.Typer) -> None:
    result = _run(app, SONGXIAN, "--format", "json", "--no-claims")
    assert result.exit_code == 1
    (report,) = json.loads(result.stdout)["reports"]
    (finding,) = report["findings"]
    assert (finding["rule"], finding["severity"]) == ("S-ROW-CELLS", "error")
    assert finding["cells"][0]["table"] == "review_litigation"
    assert finding["message_zh"] and finding["message_en"]


@pytest.mark.parametrize(
    ("args", "exit_code", "rules"),
    [
        (["--ignore-rule", "S-ROW-CELLS"], 0, []),
        (["--rule", "T3-BALANCE"], 0, []),
        (["--rule", "S-ROW-CELLS", "--rule", "T3-BALANCE"], 1, ["S-ROW-CELLS"]),
        (["--min-severity", "error"], 1, ["S-ROW-CELLS"]),
    ],
)
def test_lint_cli_filters(app: typer.Typer, args: list[str], exit_code: int, rules: list[str]) -> None:
    result = _run(app, SONGXIAN, "--format", "json", "--no-claims", *args)
    assert result.exit_code == exit_code, result.output
    assert [f["rule"] for f in json.loads(result.stdout)["reports"][0]["findings"]] == rules


def test_lint_cli_unknown_rule_is_a_usage_error(app: typer.Typer) -> None:
    result = _run(app, SONGXIAN, "--rule", "NO-SUCH-RULE")
    assert result.exit_code == 2
    assert "NO-SUCH-RULE" in result.output


def test_lint_cli_unreadable_file_is_named_and_the_batch_goes_on(app: typer.Typer, tmp_path: Path) -> None:
    binary = tmp_path / "broken.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    missing = tmp_path / "missing.txt"
    result = _run(app, str(binary), str(missing), PENGSHUI, "--no-claims")
    assert result.exit_code == 2, result.output
    assert str(binary) in result.stderr and str(missing) in result.stderr
    assert result.stdout.startswith(PENGSHUI)
