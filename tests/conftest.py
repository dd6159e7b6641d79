"""Shared fixtures. Add with small, additive edits: several helpers use this file."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = ROOT / "samples" / "seeds"


@pytest.fixture(scope="session")
def seeded_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir whose embedded (SQLite) index holds the five seed reports, built once per session
    the way ingest does: extract → lint (no claims, to keep spaCy out) → bundle with topics → index."""
    from indexer.backends.sqlite import SqliteBackend
    from indexer.documents import build_bundle
    from nlp.extract import extract_path
    from nlp.lint import check_report
    from nlp.settings import Settings
    from nlp.topics import topics_for

    data_dir = tmp_path_factory.mktemp("seeded_data")
    bundles = []
    for path in sorted(SEEDS_DIR.glob("*.txt")):
        report = extract_path(path)
        findings = check_report(report, with_claims=False).findings
        bundles.append(build_bundle(report, findings, topics_of=topics_for))
    backend = SqliteBackend.from_settings(Settings(data_dir=data_dir, backend="sqlite"))
    try:
        outcome = backend.index(bundles)
    finally:
        backend.close()
    assert not outcome.failed, outcome.failed
    return data_dir
