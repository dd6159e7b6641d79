"""The workbench's static files, without a browser: every page is served at its path, assembled from the
shell and its fragment (search_api/pages.py), loads only our own files (no CDN), speaks Chinese, and the
Chinese labels of labels.js stay those of configs/labels.yaml; the templates are not served as pages of
their own; the vendored ECharts ships with its licence and is package data."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import get_args

import pytest
import yaml
from fastapi.testclient import TestClient

from nlp.settings import Settings
from search_api import pages
from search_api.app import create_app, static_dir
from search_api.exporting import ExportFormat

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "search_api" / "static"
PAGES = {
    "/": "index.html",
    "/report/abc123": "report.html",
    "/reports": "reports.html",
    "/findings": "findings.html",
    "/compare": "compare.html",
    "/check": "check.html",
    "/charts": "charts.html",
}
# Latin words a Chinese page may still show: file formats, product names, the command to run
ALLOWED_LATIN = {
    "CSV", "JSON", "Lines", "PDF", "DOCX", "HTML", "TXT", "API", "JavaScript", "OCR", "govreport", "ingest",
    "Parquet", "Excel", "WPS", "pandas", "DuckDB",
}  # fmt: skip


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.assets: list[str] = []
        self.text: list[str] = []
        self.lang: str | None = None
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.lang = found.get("lang")
        if tag == "script" and found.get("src"):
            self.assets.append(str(found["src"]))
        if tag == "link" and found.get("rel") == "stylesheet":
            self.assets.append(str(found["href"]))
        if tag in ("script", "style", "kbd", "code"):
            self._skip += 1
        for name in ("title", "aria-label", "placeholder"):
            if found.get(name):
                self.text.append(str(found[name]))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "kbd", "code"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)


_BY_PATH = pages.assemble_pages(static_dir())
ASSEMBLED = {page.fragment: _BY_PATH[page.path].decode("utf-8") for page in pages.PAGES}  # by fragment name


def _parse(name: str) -> _Page:
    """The page `name` as the server assembles it (the shell around the fragment of that name)."""
    page = _Page()
    page.feed(ASSEMBLED[name])
    return page


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("no_index"), backend="sqlite")
    with TestClient(create_app(settings=settings)) as test_client:
        yield test_client


@pytest.mark.parametrize(("path", "name"), sorted({**PAGES, "/docs": "docs.html"}.items()))
def test_page_is_served_at_its_path(client: TestClient, path: str, name: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.text == ASSEMBLED[name]
    assert response.text.startswith("<!doctype html>") and response.text.endswith("</body>\n</html>\n")
    assert "{" not in response.text.replace('{"error": {"code", "message", "parameter"}}', "")  # no slot left
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert client.head(path).status_code == 200


@pytest.mark.parametrize("name", sorted({*PAGES.values(), "docs.html"}))
def test_page_shows_the_site_navigation_marking_its_own_entry(name: str) -> None:
    html = ASSEMBLED[name]
    for href, label in pages.NAV:
        assert re.search(f'<a href="{href}"( aria-current="page")?>{label}</a>', html), (name, href)
    current = re.findall(r'<a href="([^"]*)" aria-current="page">', html)
    served = next(p for p in pages.PAGES if p.fragment == name)
    assert current == ([served.nav] if served.nav else [])  # as common.js marks it once scripts run
    assert html.count('<header class="site-header">') == 1 and html.count("<title>") == 1


@pytest.mark.parametrize(
    "name", ["_shell.html", "_facets.html", "_pager.html", *sorted({*PAGES.values(), "docs.html"})]
)
def test_templates_are_not_served_as_pages_of_their_own(client: TestClient, name: str) -> None:
    assert (STATIC / name).exists()
    for path in (f"/static/{name}", f"/static/{name.upper()}"):
        response = client.get(path)
        assert response.status_code == 404 and response.json()["error"]["code"] == "http_404", path
    assert client.get("/static/style.css").status_code == 200


def test_no_script_downloads_offer_every_export_format() -> None:
    assert [key for key, _ in pages.EXPORT_FORMATS] == list(get_args(ExportFormat))
    for name, what in (
        ("reports.html", "reports"),
        ("findings.html", "findings"),
        ("compare.html", "passages"),
    ):
        for key, label in pages.EXPORT_FORMATS:
            assert f'<a href="/api/export?what={what}&amp;format={key}">{label}</a>' in ASSEMBLED[name]
    for key, label in pages.EXPORT_FORMATS:
        assert f'<option value="{key}">{label}</option>' in ASSEMBLED["index.html"]


def test_a_slot_alone_on_its_line_takes_its_indent_and_an_empty_one_its_line() -> None:
    assert pages.fill("a\n  {x}\n  {y}\nb {x}\n", {"x": "1\n\n2", "y": ""}) == "a\n  1\n\n  2\nb 1\n\n2\n"
    assert pages.fill('<code>{"error": {"code"}}</code>\n', {}) == '<code>{"error": {"code"}}</code>\n'
    with pytest.raises(KeyError, match="unknown slot"):
        pages.fill("{nope}\n", {})


@pytest.mark.parametrize("name", sorted(set(PAGES.values())))
def test_page_loads_only_our_own_files(client: TestClient, name: str) -> None:
    page = _parse(name)
    assert page.lang == "zh-CN"
    assert page.assets
    for asset in page.assets:
        assert asset.startswith("/static/"), asset  # never a CDN
        assert client.get(asset).status_code == 200, asset
    assert not re.search(r"""(src|href)=["']https?://""", ASSEMBLED[name])


@pytest.mark.parametrize("name", sorted(set(PAGES.values())))
def test_page_text_is_chinese(name: str) -> None:
    text = " ".join(_parse(name).text)
    text = re.sub(r"\.(pdf|docx|html|htm|txt|md)\b", "", text)  # file extensions a page lists
    latin = set(re.findall(r"[A-Za-z]{3,}", text)) - ALLOWED_LATIN
    assert not latin, f"{name} shows {sorted(latin)}"


def test_scripts_show_no_english_messages() -> None:
    # the strings a script puts on the page are Chinese; English stays in comments and keys
    for path in STATIC.glob("*.js"):
        if path.name == "docs.js":
            continue  # /docs renders the OpenAPI document, English by nature
        source = path.read_text(encoding="utf-8")
        for match in re.finditer(r'(?:text|title|textContent)\s*[:=]\s*"([^"]*)"', source):
            words = set(re.findall(r"[A-Za-z]{4,}", match.group(1))) - ALLOWED_LATIN
            assert not words, f"{path.name}: {match.group(0)}"


def _labels_js() -> str:
    return (STATIC / "labels.js").read_text(encoding="utf-8")


def test_labels_js_names_every_template_key_as_configs_labels_yaml_prints_it() -> None:
    config = yaml.safe_load((ROOT / "configs" / "labels.yaml").read_text(encoding="utf-8"))["tables"]
    js = _labels_js()
    for row in config["applications"]["rows"]:
        match = re.search(r'\["' + row["key"] + r'", "([^"]+)"', js)
        assert match, row["key"]
        assert match.group(1).endswith(row["label"]) or row["label"] in match.group(1), row["key"]
    for key, spec in config["applications"]["column_labels"].items():
        assert f'{key}: "{spec["label"]}"' in js, key
    for block in config["active_disclosure"]["blocks"]:
        assert f'"{block["marker"]}"' in js
        for key, spec in block["rows"].items():
            assert f'{key}: "{spec["label"]}"' in js, key
    for key, label in config["active_disclosure"]["column_labels"].items():
        assert f'{key}: "{label}"' in js, key
    for key, label in config["review_litigation"]["column_labels"].items():
        assert f'{key}: "{label}"' in js, key


def test_echarts_is_vendored_with_its_licence_and_packaged() -> None:
    vendor = STATIC / "vendor" / "echarts"
    assert (vendor / "echarts.min.js").stat().st_size > 500_000
    assert "Apache License" in (vendor / "LICENSE").read_text(encoding="utf-8")
    assert (vendor / "NOTICE").exists()
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
        "package-data"
    ]
    assert package_data.get("search_api.static.vendor.echarts") == ["*"]
    assert package_data.get("search_api.static") == ["*"]
