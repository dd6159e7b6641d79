"""Shared fixtures. Add with small, additive edits: several helpers use this file."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = ROOT / "samples" / "seeds"


@pytest.fixture(scope="session")
def seeded_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir whose embedded (SQLite) index holds the five seed reports, ingested once per session
    through search_api.ingest (extract, check, index) exactly as `govreport ingest` would."""
    from indexer.backends import open_backend
    from nlp.settings import Settings
    from search_api.ingest import ingest_paths

    data_dir = tmp_path_factory.mktemp("seeded_data")
    settings = Settings(data_dir=data_dir, backend="sqlite")
    backend = open_backend(settings)
    try:
        summary = ingest_paths(sorted(SEEDS_DIR.glob("*.txt")), backend=backend, settings=settings)
    finally:
        backend.close()
    assert not summary.failed and summary.indexed == 5, summary.to_dict()
    return data_dir


def build_test_report(
    source: str,
    paragraphs: list[tuple[str, str]],
    *,
    province: str | None = "河南省",
    county: str | None = None,
    year: int | None = 2021,
    body: str = "某县人民政府",
    section: str = "problems_improvements",
) -> object:
    """A hand-built Report whose section `section` holds `paragraphs` [(kind, text)], so indexer tests
    never depend on extraction. The sha256 is the hash of the text, as ingest's would be of the file."""
    import hashlib

    from nlp.schema import Passage, Region, Report, ReportMeta, Section, Span

    text = "\n".join(t for _, t in paragraphs)
    passages, start = [], 0
    for line, (kind, paragraph) in enumerate(paragraphs, start=1):
        span = Span(start=start, end=start + len(paragraph), line=line, end_line=line)
        passages.append(Passage(kind=kind, text=paragraph, span=span))  # type: ignore[arg-type]
        start += len(paragraph) + 1
    whole = Span(start=0, end=len(text), line=1, end_line=max(1, len(paragraphs)))
    region = Region(province=province, county=county)
    meta = ReportMeta(issuing_body=body, region=region, level="county", year=year)
    title = "五、存在的主要问题及改进情况"
    return Report(
        source=source, sha256=hashlib.sha256((source + text).encode("utf-8")).hexdigest(), year=year,
        issuing_body=body, meta=meta,
        sections=[Section(key=section, title=title, text=text, span=whole, passages=passages)],  # type: ignore[arg-type]
    )  # fmt: skip


@pytest.fixture
def make_report() -> object:
    """build_test_report, as a fixture."""
    return build_test_report
