"""`govreport ingest`'s closing summary counts what the index holds, not only the files of this run: a
second run of the main command skips every unchanged file and must still say the index has errors."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from typer.testing import CliRunner

from search_api.cli import app

SEEDS = Path(__file__).resolve().parent.parent / "samples" / "seeds"
_HOLDS = re.compile(
    r"the index holds (\d+) report\(s\); findings by severity: (error: \d+, warning: \d+, info: \d+)"
)


def test_second_run_reports_the_findings_the_index_holds(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    shutil.copy(SEEDS / "zhongmou_2020.txt", corpus)  # a seed with structure findings
    args = ["ingest", str(corpus), "--data-dir", str(tmp_path / "data"), "--backend", "sqlite"]
    first, second = CliRunner().invoke(app, args), CliRunner().invoke(app, args)
    assert first.exit_code == second.exit_code == 0, first.output + second.output
    first_holds, second_holds = _HOLDS.search(first.output), _HOLDS.search(second.output)
    assert first_holds and second_holds, second.output
    assert "unchanged (skipped): 1" in second.output
    assert "in the files indexed now: error: 0, warning: 0, info: 0" in second.output  # nothing new read
    assert second_holds.groups() == first_holds.groups()
    assert first_holds.group(1) == "1" and first_holds.group(2) != "error: 0, warning: 0, info: 0"
