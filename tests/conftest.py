"""Shared fixtures. Add with small, additive edits: several helpers use this file."""

from __future__ import annotations

import shutil
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pytest

from nlp.settings import get_settings

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

    from indexer.backends.base import SearchBackend
    from indexer.documents import ReportBundle
    from nlp.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = ROOT / "samples" / "seeds"
SERVER_WAIT_SECONDS = 30  # an upper bound for a live server to start or stop, never a speed assertion

Engine = Literal["tantivy", "sqlite", "elasticsearch"]  # Settings.backend
IndexOf = Callable[..., "Settings"]  # index_of(files, backend="sqlite") -> Settings
ES_URL = get_settings().es_url
# every backend, Elasticsearch only where ES_URL names one (and under the `es` mark)
BACKENDS = [
    "sqlite",
    "tantivy",
    pytest.param(
        "elasticsearch",
        marks=[pytest.mark.es, pytest.mark.skipif(not ES_URL, reason="ES_URL is not set: no Elasticsearch")],
    ),
]


@contextmanager
def backend_holding(name: Engine, data_dir: Path, bundles: Sequence[ReportBundle]) -> Iterator[SearchBackend]:
    """Backend `name` opened on `data_dir` (Elasticsearch: at ES_URL, in an index of its own, deleted
    after) holding `bundles`, every one indexed and visible to a search; closed after."""
    from indexer.backends import open_backend
    from nlp.settings import Settings

    settings = Settings(
        backend=name, data_dir=data_dir, es_url=ES_URL, es_index=f"govreport-test-{uuid.uuid4().hex[:8]}"
    )
    opened = open_backend(settings)
    try:
        outcome = opened.index(list(bundles))
        assert not outcome.failed and len(outcome.indexed) == len(bundles), outcome
        if name == "elasticsearch":
            opened.client.indices.refresh(index=settings.es_index)  # type: ignore[attr-defined]
        yield opened
    finally:
        if name == "elasticsearch":
            opened.client.indices.delete(index=f"{settings.es_index}-v*")  # type: ignore[attr-defined]
        opened.close()


def ingest_index(data_dir: Path, files: Sequence[Path], backend: Engine = "sqlite") -> Settings:
    """Settings of `data_dir` whose index (`backend`) holds `files`, ingested through search_api.ingest
    (extract, check, index) exactly as `govreport ingest` would; every file indexed, none failed. For a
    test that writes to its index: a test that only reads asks `index_of` for a shared one."""
    from indexer.backends import open_backend
    from nlp.settings import Settings
    from search_api.ingest import ingest_paths

    settings = Settings(data_dir=data_dir, backend=backend)
    opened = open_backend(settings)
    try:
        summary = ingest_paths(list(files), backend=opened, settings=settings)
    finally:
        opened.close()
    assert not summary.failed and summary.indexed == len(files), summary.to_dict()
    return settings


@pytest.fixture(scope="session")
def index_of(tmp_path_factory: pytest.TempPathFactory) -> IndexOf:
    """`index_of(files, backend="sqlite")`: the Settings of an index holding `files` (in that order),
    ingested once per session and shared by every test module asking for the same files and engine.
    Read only: a test that ingests, deletes or otherwise writes builds its own with `ingest_index`."""
    built: dict[tuple[tuple[Path, ...], Engine], Settings] = {}

    def index(files: Sequence[Path], backend: Engine = "sqlite") -> Settings:
        key = (tuple(files), backend)
        if key not in built:
            built[key] = ingest_index(tmp_path_factory.mktemp(f"index_{backend}"), files, backend)
        return built[key]

    return index


@contextmanager
def api_client(settings: Settings) -> Iterator[TestClient]:
    """An in-process client of the app on `settings`; a server error answers 500 as it would over HTTP."""
    from fastapi.testclient import TestClient

    from search_api.app import create_app

    with TestClient(create_app(settings=settings), raise_server_exceptions=False) as client:
        yield client


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def live_server(settings: Settings) -> Iterator[str]:
    """The app on `settings` served by a real uvicorn in a thread on a free local port: its base URL."""
    import uvicorn

    from search_api.app import create_app

    port = free_port()
    config = uvicorn.Config(create_app(settings=settings), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + SERVER_WAIT_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=SERVER_WAIT_SECONDS)


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


def start_chromium(profile: Path, downloads: Path | None = None) -> Any:
    """Debian's headless Chromium through chromedriver (selenium's WebDriver), 1280×1000, zh-CN, its
    console kept; files it downloads go to `downloads` without asking. Skips the test, saying why, when
    chromium, chromedriver or selenium is missing. The caller quits it."""
    if not CHROMIUM or not CHROMEDRIVER:
        pytest.skip("chromium or chromedriver not installed (apt-get install -y chromium chromium-driver)")
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--window-size=1280,1000", "--lang=zh-CN", f"--user-data-dir={profile}",
    ):  # fmt: skip
        options.add_argument(flag)
    if downloads is not None:
        options.add_experimental_option(
            "prefs", {"download.default_directory": str(downloads), "download.prompt_for_download": False}
        )
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    browser = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    if downloads is not None:
        browser.execute_cdp_cmd(
            "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
        )
    return browser


@pytest.fixture(scope="session")
def seeded_data_dir(index_of: IndexOf) -> Path:
    """A data dir whose embedded (SQLite) index holds the five seed reports, ingested once per session
    through search_api.ingest (extract, check, index) exactly as `govreport ingest` would."""
    seeds = sorted(SEEDS_DIR.glob("*.txt"))
    assert len(seeds) == 5, seeds
    return index_of(seeds).data_dir


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
