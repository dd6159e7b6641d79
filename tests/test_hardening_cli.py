"""The reliability audit's command-line defects (issue 11), each pinned by a test that failed before its
fix: a slow file held up the batch for ever (2), `**` through a symlink loop never ended (6), a file
named `-rf.txt` was taken for an option (13)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nlp.errors import ErrorCode, GovReportError
from nlp.readers import expand_inputs
from nlp.readers.budget import time_budget
from nlp.settings import get_settings
from search_api.cli import app, dash_file_hint

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "samples" / "seeds" / "lingqiu_2022.txt"
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.fixture
def short_budget(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("GOVREPORT_FILE_TIMEOUT_S", "1.5")
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


# --- 2. a per-file time budget --------------------------------------------------------------------


def test_hardening_budget_stops_python_code_that_never_returns() -> None:
    started = time.monotonic()
    with pytest.raises(GovReportError) as info, time_budget(0.2, source="slow.txt"):
        while True:
            pass
    assert info.value.code == ErrorCode.READ_TIMEOUT and info.value.source == "slow.txt"
    assert time.monotonic() - started < 3


def test_hardening_budget_is_not_swallowed_by_broad_excepts() -> None:
    with pytest.raises(GovReportError), time_budget(0.2, source="x"):
        for _ in range(10**9):
            with contextlib.suppress(Exception):  # extraction code may hold such a clause
                time.sleep(0.01)


def test_hardening_slow_file_times_out_and_the_batch_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, short_budget: None
) -> None:
    import nlp.extract

    real = nlp.extract.extract_path

    def extract_path(path: Path, **kwargs: object) -> object:
        while path.name == "slow.txt":  # an extraction that never ends (the audit's 50 MB text)
            pass
        return real(path, **kwargs)  # type: ignore[arg-type]

    real(SEED)  # warm (jieba's dictionary): the seed itself must not need the budget
    monkeypatch.setattr(nlp.extract, "extract_path", extract_path)
    slow = tmp_path / "slow.txt"
    slow.write_bytes(SEED.read_bytes())
    result = CliRunner().invoke(app, ["extract", "--format", "jsonl", str(slow), str(SEED)])
    assert result.exit_code == 1
    assert f"{slow}: [read_timeout]" in result.stderr
    assert result.stdout.count("\n") == 1 and str(SEED) in result.stdout  # the next file came out


def test_hardening_slow_check_times_out_and_the_batch_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, short_budget: None
) -> None:
    """`check` runs the lint within the same per-file budget (it ran outside any before)."""
    import nlp.lint

    real = nlp.lint.check_in_batch

    def check_in_batch(report: object, batch: object, **kwargs: object) -> object:
        while str(getattr(report, "source", "")).endswith("slow.txt"):  # a lint that never ends
            pass
        return real(report, batch, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(nlp.lint, "check_in_batch", check_in_batch)
    slow = tmp_path / "slow.txt"
    slow.write_bytes(SEED.read_bytes() + b"\n")  # another file's bytes: not a duplicate of the seed
    result = CliRunner().invoke(app, ["check", "--no-claims", "--format", "json", str(slow), str(SEED)])
    assert result.exit_code == 2
    assert f"{slow}: [read_timeout] checking took more than 1.5 s" in result.stderr
    assert str(SEED) in result.stdout and str(slow) not in result.stdout  # the next file came out


def test_hardening_reader_crash_names_the_file_and_the_batch_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nlp.extract

    real = nlp.extract.extract_path

    def extract_path(path: Path, **kwargs: object) -> object:
        if path.name == "boom.txt":
            raise RecursionError("maximum recursion depth exceeded")
        return real(path, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(nlp.extract, "extract_path", extract_path)
    boom = tmp_path / "boom.txt"
    boom.write_bytes(SEED.read_bytes())
    result = CliRunner().invoke(app, ["extract", "--format", "jsonl", str(boom), str(SEED)])
    assert result.exit_code == 1
    assert f"{boom}: [read_corrupt] unexpected RecursionError" in result.stderr
    assert str(SEED) in result.stdout


# --- 6. globs and directories through symlink loops --------------------------------------------------


def _loops(root: Path) -> Path:
    """A folder whose two links point back at it: following them, `**` is a tree of 2^40 paths."""
    folder = root / "reports"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_bytes(SEED.read_bytes())
    (folder / "sub" / "b.txt").write_bytes(SEED.read_bytes())
    (folder / "sub" / "up").symlink_to("..")
    (folder / "again").symlink_to(".")
    (folder / "self").symlink_to("self")  # a link to itself
    return folder


def test_hardening_glob_through_symlink_loops_ends(tmp_path: Path) -> None:
    folder = _loops(tmp_path)
    script = (
        "import sys; from nlp.readers import expand_inputs; "
        "files, problems = expand_inputs(sys.argv[1:]); print(len(files), len(problems))"
    )
    patterns = [f"{folder}/**", f"{folder}/**/*.txt", str(folder)]
    run = subprocess.run(
        [sys.executable, "-c", script, *patterns], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["2", "0"]


def test_hardening_glob_finds_what_glob_finds_without_links(tmp_path: Path) -> None:
    folder = _loops(tmp_path)
    files, problems = expand_inputs([f"{folder}/**/*.txt", f"{folder}/s*/b.txt"])
    assert sorted(p.relative_to(folder).as_posix() for p in files) == ["a.txt", "sub/b.txt"]
    assert problems == []
    relative, _ = expand_inputs(["samples/seeds/*.txt"]) if Path.cwd() == ROOT else ([], [])
    assert all(not p.is_absolute() for p in relative)


def test_hardening_walk_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _loops(tmp_path)
    monkeypatch.setattr("nlp.readers.inputs.MAX_WALK", 3)
    files, problems = expand_inputs([f"{folder}/**"])
    assert files == [] and [p.code for p in problems] == [ErrorCode.READ_TOO_LARGE.value]
    assert problems[0].source == f"{folder}/**"


# --- 13. a file named like an option -----------------------------------------------------------------


def test_hardening_dash_file_read_after_double_dash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("-rf.txt").write_bytes(SEED.read_bytes())
    result = CliRunner().invoke(app, ["extract", "--format", "jsonl", "--", "-rf.txt"])
    assert result.exit_code == 0, result.output
    assert '"source":"-rf.txt"' in result.stdout
    assert "`govreport extract -- -rf.txt" in README
    assert dash_file_hint(["extract", "-rf.txt"]) is not None
    assert dash_file_hint(["extract", "--", "-rf.txt"]) is None
    assert dash_file_hint(["extract", "--format", "json"]) is None


def test_hardening_dash_file_hint_printed_by_the_command(tmp_path: Path) -> None:
    (tmp_path / "-rf.txt").write_bytes(SEED.read_bytes())
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run(
        [sys.executable, "-c", "from search_api.cli import main; main()", "extract", "-rf.txt"],
        capture_output=True, text=True, timeout=120, cwd=tmp_path, env=env,
    )  # fmt: skip
    assert run.returncode == 2
    assert "-- -rf.txt" in run.stderr
