"""Ingest's worker pool: files stream through a bounded window (never all submitted at once), come back
in the order given, and a bad file fails alone, in a real two-process pool as in one process."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest
from conftest import SEEDS_DIR

import search_api.ingest as ingest
from indexer.backends import open_backend
from nlp.settings import Settings


class _LazyPool:
    """A stand-in for ProcessPoolExecutor that runs a task only when its result is asked for, and
    counts the tasks submitted but not yet collected."""

    def __init__(self, *, max_workers: int, initializer: Callable[[], None] | None = None) -> None:
        self.outstanding = 0
        self.most = 0
        pools.append(self)

    def __enter__(self) -> _LazyPool:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        self.outstanding += 1
        self.most = max(self.most, self.outstanding)
        pool = self

        class _Lazy(Future[Any]):
            def result(self, timeout: float | None = None) -> Any:
                pool.outstanding -= 1
                return fn(*args)

        return _Lazy()


pools: list[_LazyPool] = []


def test_ingest_pool_window_is_bounded_and_ordered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest, "ProcessPoolExecutor", _LazyPool)
    monkeypatch.setattr(ingest, "_prepare", lambda name, settings: name)
    names = [Path(f"f{i}.txt") for i in range(100)]
    pools.clear()
    got = list(ingest._prepared(names, settings=Settings(), workers=3))
    assert got == [str(n) for n in names]
    assert len(pools) == 1 and 1 < pools[0].most <= ingest._window(3) < len(names)


def test_ingest_default_workers_are_the_usable_cores() -> None:
    assert ingest.default_workers() == len(os.sched_getaffinity(0))


@pytest.mark.parametrize("workers", [1, 2])
def test_ingest_pool_goes_past_a_bad_file(tmp_path: Path, workers: int) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("muye_2021.txt", "lingqiu_2022.txt"):
        shutil.copy(SEEDS_DIR / name, folder / name)
    (folder / "empty.txt").write_text("", encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "data", backend="tantivy")
    backend = open_backend(settings)
    try:
        summary = ingest.ingest_paths(
            sorted(folder.iterdir()), backend=backend, settings=settings, workers=workers
        )
        assert summary.indexed == 2 and summary.passages == backend.stats().passages > 0
        assert [(Path(f.source).name, f.code) for f in summary.failed] == [("empty.txt", "read_empty")]
        assert summary.findings_by_severity  # the lint ran in the workers
    finally:
        backend.close()
