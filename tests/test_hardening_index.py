"""The reliability audit's index defects (issue 11), each pinned by a test that failed before its fix:
SQLite tag facets scanning every tag per hit (4), the two tantivy stores disagreeing after a SIGKILL (5,
with the kill test), pool workers outliving their parent (7), processes opening a fresh data dir at once
(8), a constant page-token key (9), byte-identical files counted twice (10), reads creating an index (11)."""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from indexer.backends import open_backend
from indexer.backends._shared import TOKEN_KEY_FILE, load_or_create_key
from indexer.backends.sqlite import SqliteBackend, facet_sql
from indexer.backends.tantivy import TantivyBackend
from indexer.documents import build_bundle
from indexer.query import SearchQuery, encode_page_token
from nlp.errors import ErrorCode, GovReportError
from nlp.settings import Settings
from search_api.cli import app
from search_api.ingest import ingest_paths

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "samples" / "seeds").glob("*.txt"))


def _bundles(n: int, *, tag: str = "") -> list[object]:
    from tests.conftest import build_test_report

    reports = [
        build_test_report(
            f"/r/{tag}{i}.txt",
            [
                ("problem", f"第{i}号报告存在的问题{tag}：政策解读不够深入。"),
                ("improvement", f"改进{i}：加强培训。"),
            ],
            year=2020 + i % 3,
        )
        for i in range(n)
    ]
    return [build_bundle(r, topics_of=lambda _: ["解读"]) for r in reports]  # type: ignore[arg-type]


# --- 4. SQLite tag facets ---------------------------------------------------------------------------


def test_hardening_sqlite_tag_facets_look_up_each_hits_tags(tmp_path: Path) -> None:
    backend = SqliteBackend(tmp_path / "db.sqlite3")
    try:
        backend._conn.execute("CREATE TEMP TABLE IF NOT EXISTS hits (rowid INTEGER PRIMARY KEY)")
        plan = " | ".join(
            row[3] for row in backend._conn.execute("EXPLAIN QUERY PLAN " + facet_sql("topic"), ("topic", 20))
        )
    finally:
        backend.close()
    # per hit: its own tags of the facet through the index, never every tag of the facet
    assert "passage_tags_facets (passage=? AND facet=?)" in plan, plan


def test_hardening_sqlite_tag_facets_still_count(tmp_path: Path) -> None:
    backend = SqliteBackend(tmp_path / "db.sqlite3")
    try:
        backend.index(_bundles(6))  # type: ignore[arg-type]
        result = backend.search(SearchQuery(text="政策解读", facets=["topic", "year"]))
    finally:
        backend.close()
    assert [(b.value, b.count) for b in result.facets["topic"]] == [("解读", 6)]


# --- 5. the tantivy stores agree after SIGKILL at any point --------------------------------------------

_KILL_SCRIPT = textwrap.dedent(
    """
    import os, signal, sys
    sys.path.insert(0, {root!r})
    from indexer.backends import tantivy as t
    from tests.test_hardening_index import _bundles

    path, point = sys.argv[1], sys.argv[2]
    def die(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)
    backend = t.TantivyBackend(t.Path(path))
    if point == "delete":
        backend.index(_bundles(3, tag="first"))
        original = t.TantivyBackend._writer

        @t.contextmanager
        def commit_then_die(self):
            with original(self) as writer:
                yield writer
            die()  # tantivy has deleted, the store not yet

        t.TantivyBackend._writer = commit_then_die
        backend.delete_report(_bundles(1, tag="first")[0].report.report_id)
    if point == "after_pending":
        t.TantivyBackend._writer = die
    if point == "after_commit":  # the audit's case: tantivy committed, the report store not
        t.TantivyBackend._store_reports = die
    backend.index(_bundles(3, tag="second"))
    """
)


def _consistent(path: Path) -> tuple[dict[str, int], set[str]]:
    """Passages per report id in tantivy, and the report ids in the store: they must agree."""
    backend = TantivyBackend(path)
    try:
        searcher = backend._index.searcher()
        answer = searcher.aggregate(
            __import__("tantivy").Query.all_query(),
            {"ids": {"terms": {"field": "report_id", "size": 1000}}},
        )
        passages = {b["key"]: int(b["doc_count"]) for b in answer["ids"]["buckets"]}
        stored = {r[0] for r in backend._reports.execute("SELECT report_id FROM reports")}
        pending = backend._reports.execute("SELECT count(*) FROM pending").fetchone()[0]
    finally:
        backend.close()
    assert pending == 0
    return passages, stored


@pytest.mark.parametrize("point", ["after_pending", "after_commit", "delete"])
def test_hardening_tantivy_sigkill_leaves_no_half_report(tmp_path: Path, point: str) -> None:
    path = tmp_path / "tantivy"
    script = _KILL_SCRIPT.format(root=str(ROOT))
    run = subprocess.run([sys.executable, "-c", script, str(path), point], cwd=ROOT, timeout=120)
    assert run.returncode == -signal.SIGKILL
    passages, stored = _consistent(path)
    assert set(passages) == stored  # no passage of a report the store does not know, and no report without
    assert all(count == 2 for count in passages.values())
    backend = TantivyBackend(path)  # the next run completes it
    try:
        outcome = backend.index(_bundles(3, tag="second"))  # type: ignore[arg-type]
        assert len(outcome.indexed) == 3
        hits = backend.search(SearchQuery(text="second", page_size=50))
        assert hits.total == 3
    finally:
        backend.close()
    passages, stored = _consistent(path)
    assert set(passages) == stored and len(stored) == (5 if point == "delete" else 3)


def test_hardening_ingest_killed_at_random_points_then_completed(tmp_path: Path) -> None:
    """A real `govreport ingest` of the seeds, SIGKILLed at random moments, then run to the end."""
    data_dir = tmp_path / "data"
    command = [sys.executable, "-c", "from search_api.cli import main; main()", "ingest", "--data-dir"]
    command += [str(data_dir), *map(str, SEEDS)]
    rng = random.Random(11)
    for _ in range(2):
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(1.0, 6.0))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        if (data_dir / "tantivy").exists() and TantivyBackend.exists(data_dir / "tantivy"):
            passages, stored = _consistent(data_dir / "tantivy")
            assert set(passages) <= stored | set()  # never a passage without its report
            assert set(passages) == stored
    finished = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr[-2000:]
    passages, stored = _consistent(data_dir / "tantivy")
    assert len(stored) == len(SEEDS) and set(passages) == stored


# --- 7. pool workers die with their parent -------------------------------------------------------------

_POOL_SCRIPT = textwrap.dedent(
    """
    import os, sys, time
    sys.path.insert(0, {root!r})
    import search_api.ingest as ingest

    def slow(path, settings):
        # one write(2) of a few bytes: two workers writing at once cannot interleave inside a line
        os.write(1, f"{{os.getpid()}}\\n".encode())
        time.sleep(120)

    ingest._prepare = slow
    list(ingest._prepared([ingest.Path("a"), ingest.Path("b")], settings=None, workers=2))
    """
)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/stat")
    return not (status.exists() and status.read_text().split()[2] == "Z")


def test_hardening_workers_die_with_their_parent() -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", _POOL_SCRIPT.format(root=str(ROOT))],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert parent.stdout is not None
    workers: list[int] = []
    while len(workers) < 2:
        line = parent.stdout.readline()
        assert line, f"the pool script ended before both workers started: {workers}"
        workers += [int(word) for word in line.split()]
    parent.send_signal(signal.SIGKILL)
    parent.wait(timeout=30)
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    survivors = [pid for pid in workers if _alive(pid)]
    for pid in survivors:
        os.kill(pid, signal.SIGKILL)
    assert survivors == []


# --- 8. processes opening a fresh data dir at once ----------------------------------------------------


def _open_and_write_at_once(args: tuple[str, str, int, object]) -> str:
    backend_name, data_dir, number, barrier = args
    bundles = _bundles(2, tag=f"p{number}")
    try:
        barrier.wait(timeout=30)  # type: ignore[attr-defined]
        opened = open_backend(Settings(backend=backend_name, data_dir=Path(data_dir)))  # type: ignore[arg-type]
        outcome = opened.index(bundles)  # type: ignore[arg-type]
        opened.close()
        return "ok" if not outcome.failed else str(outcome.failed[0])
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"


@pytest.mark.parametrize("backend_name", ["sqlite", "tantivy"])
def test_hardening_fresh_data_dir_opened_by_many_processes_at_once(tmp_path: Path, backend_name: str) -> None:
    """Eight processes open one fresh data dir at the same moment and write to it (before: SQLite's
    open met another's write, "database is locked", in about half of them)."""
    from indexer.tokens import word_tokens

    word_tokens("政府信息公开")  # jieba's dictionary loaded once, before the fork, not in each child
    context = multiprocessing.get_context("fork")
    failures: list[str] = []
    for round_ in range(3):
        manager = context.Manager()
        barrier = manager.Barrier(8)
        data_dir = str(tmp_path / f"fresh{round_}")
        with context.Pool(8) as pool:
            jobs = [(backend_name, data_dir, n, barrier) for n in range(8)]
            answers = pool.map(_open_and_write_at_once, jobs)
        manager.shutdown()
        failures += [a for a in answers if a != "ok"]
    assert failures == []


# --- 9. the page-token key -----------------------------------------------------------------------------


def test_hardening_page_token_key_is_not_a_constant(tmp_path: Path) -> None:
    backend = SqliteBackend(tmp_path / "a" / "db.sqlite3")
    try:
        backend.index(_bundles(4))  # type: ignore[arg-type]
        query = SearchQuery(text="政策解读", page_size=1)
        # a token signed with the key that used to be in the source is refused
        forged = encode_page_token(query, after=[2], key=b"govreport-page-token-v1")
        with pytest.raises(GovReportError) as caught:
            backend.search(query.model_copy(update={"page_token": forged}))
        assert caught.value.code is ErrorCode.PAGE_TOKEN_INVALID
        token = backend.search(query).next_page_token
        assert token and backend.search(query.model_copy(update={"page_token": token})).hits
    finally:
        backend.close()
    key_file = tmp_path / "a" / TOKEN_KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600 and len(key_file.read_bytes()) == 32
    assert load_or_create_key(tmp_path / "b") != key_file.read_bytes()  # each data dir its own key


def test_hardening_page_token_key_from_settings_is_shared(tmp_path: Path) -> None:
    settings = [Settings(data_dir=tmp_path / d, backend="sqlite", token_key="s" * 32) for d in "ab"]
    backends = [SqliteBackend.from_settings(s) for s in settings]
    try:
        for backend in backends:
            backend.index(_bundles(3))  # type: ignore[arg-type]
        query = SearchQuery(text="政策解读", page_size=1)
        token = backends[0].search(query).next_page_token
        assert backends[1].search(query.model_copy(update={"page_token": token})).hits
    finally:
        for backend in backends:
            backend.close()
    assert not (tmp_path / "a" / TOKEN_KEY_FILE).exists()


# --- 10. byte-identical files ---------------------------------------------------------------------------


def test_hardening_identical_files_indexed_once_and_not_again(tmp_path: Path) -> None:
    first, second = tmp_path / "a.txt", tmp_path / "copy of a.txt"
    first.write_bytes(SEEDS[0].read_bytes())
    second.write_bytes(SEEDS[0].read_bytes())
    settings = Settings(data_dir=tmp_path / "data", backend="sqlite")
    backend = open_backend(settings)
    try:
        summary = ingest_paths([first, second], backend=backend, settings=settings)
        assert summary.indexed == 1 and len(summary.duplicates) == 1 and not summary.failed
        assert summary.duplicates[0].same_as == str(first.resolve())
        assert backend.stats().reports == 1
        again = ingest_paths([first, second], backend=backend, settings=settings)
        assert again.indexed == 0 and again.unchanged == 1 and len(again.duplicates) == 1
        first.unlink()  # moved: the copy is indexed under its own path now
        moved = ingest_paths([second], backend=backend, settings=settings)
        assert moved.indexed == 1 and backend.stats().reports == 1
        assert backend.report_ids_for_source(str(second.resolve()))
    finally:
        backend.close()


# --- 11. reads never create an index ---------------------------------------------------------------------


@pytest.mark.parametrize("backend_name", ["tantivy", "sqlite"])
def test_hardening_search_on_a_missing_index_is_an_error_naming_it(tmp_path: Path, backend_name: str) -> None:
    typo = tmp_path / "dat"
    result = CliRunner().invoke(app, ["search", "公开", "--data-dir", str(typo), "--backend", backend_name])
    assert result.exit_code == 2
    assert "[index_not_found]" in result.stderr and str(typo) in result.stderr
    assert not typo.exists()
    with pytest.raises(GovReportError) as caught:
        open_backend(Settings(data_dir=typo, backend=backend_name), create=False)
    assert caught.value.code is ErrorCode.INDEX_NOT_FOUND
    assert not typo.exists()


def test_hardening_serve_on_a_missing_index_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["serve", "--data-dir", str(tmp_path / "nothing")])
    assert result.exit_code == 2 and "index_not_found" in result.output
    assert not (tmp_path / "nothing").exists()
