"""The reviewer's workbench walked in a real headless Chromium against a real uvicorn server, at desktop
width and at phone width (390 px): a search and a facet click, a report page with a marked cell and its
finding, the findings page filtered by rule, the comparison heat map and a near-copy pair, the charts
drawn, a file checked through upload, a CSV downloaded.

One server and one browser for the module, on an index of two seeds and three crawler dumps (a body's
two years with copied plans; a report whose table 3 does not balance). Needs Debian's `chromium` and
`chromium-driver` (skipped with that reason when missing). Screenshots go to tests/artifacts/ (ignored
by git), one per step and width.
"""

from __future__ import annotations

import base64
import csv
import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import IndexOf, live_server, start_chromium

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
CRAWLER = ROOT / "samples" / "crawler"
UNBALANCED = CRAWLER / "fujian_pingtan_gonganju_2021.txt"  # T3-BALANCE: received 1, handled 1, carried 1
FILES = [
    ROOT / "samples" / "seeds" / "songxian_2021.txt",
    ROOT / "samples" / "seeds" / "pengshui_2021.txt",
    CRAWLER / "fujian_pingtan_caizhengjinrong_2022.txt",
    CRAWLER / "fujian_pingtan_caizhengjinrong_2023.txt",  # copies its 2022 plans
    UNBALANCED,
]
ARTIFACTS = ROOT / "tests" / "artifacts"
WAIT_SECONDS = 30  # an upper bound for waits, never an assertion about speed
WIDTHS = {"desktop": 1280, "phone": 390}
MAX_SHOT_HEIGHT = 3000  # screenshots show the page beyond the window, down to this many pixels

Driver = Any  # selenium's WebDriver (selenium is a test extra; imported lazily)


@pytest.fixture(scope="module")
def base_url(index_of: IndexOf) -> Iterator[str]:
    with live_server(index_of(FILES)) as url:  # the page only reads: the index is shared
        yield url


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory, downloads: Path) -> Iterator[Driver]:
    browser = start_chromium(tmp_path_factory.mktemp("chromium-profile"), downloads)
    yield browser
    browser.quit()


@pytest.fixture(params=sorted(WIDTHS))
def screen(request: pytest.FixtureRequest, driver: Driver) -> str:
    driver.set_window_size(WIDTHS[request.param], 1000)
    return str(request.param)


# --- helpers --------------------------------------------------------------------------------------


def _wait(driver: Driver, condition: Callable[[Driver], object]) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT_SECONDS).until(condition)


def _css(driver: Driver, selector: str) -> list[Any]:
    from selenium.webdriver.common.by import By

    return list(driver.find_elements(By.CSS_SELECTOR, selector))


def _one(driver: Driver, selector: str) -> Any:
    found = _wait(driver, lambda d: _css(d, selector))
    return found[0]


def _ready(driver: Driver) -> None:
    _wait(driver, lambda d: d.execute_script("return document.body.dataset.ready === 'true'"))


def _open(driver: Driver, url: str) -> None:
    driver.get(url)
    _ready(driver)


def _click(driver: Driver, element: Any) -> None:
    """Scroll an element into view and click it as a person would."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    element.click()


def _shot(driver: Driver, name: str, screen: str) -> Path:
    """The page beyond the window (down to MAX_SHOT_HEIGHT) as tests/artifacts/{name}-{screen}.png."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}-{screen}.png"
    width, height = driver.execute_script(
        "return [document.documentElement.clientWidth, document.documentElement.scrollHeight]"
    )
    clip = {"x": 0, "y": 0, "width": width, "height": min(height, MAX_SHOT_HEIGHT), "scale": 1}
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip}
    )
    path.write_bytes(base64.b64decode(shot["data"]))
    assert path.stat().st_size > 5_000
    return path


def _no_console_errors(driver: Driver) -> None:
    # CSP violations and script errors show up here (favicon and download noise aside)
    errors = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert not [m for m in errors if "favicon" not in m], errors


def _svg_marks(driver: Driver, chart_id: str) -> int:
    """Drawn shapes in an ECharts SVG chart (paths, rects, texts): 0 when nothing was drawn."""
    return int(
        driver.execute_script(
            "const svg = document.querySelector('#' + arguments[0] + ' svg');"
            "return svg ? svg.querySelectorAll('path, rect, text').length : 0;",
            chart_id,
        )
    )


def _report_id(base_url: str, driver: Driver, name: str) -> str:
    ids = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch('/api/reports?page_size=100').then(r => r.json()).then(b => done(b.reports.map("
        "r => [r.report_id, r.source])));"
    )
    return next(rid for rid, source in ids if source.endswith(name))


def _has_compare(driver: Driver) -> bool:
    return bool(
        driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "fetch('/openapi.json').then(r => r.json()).then(b => done('/api/compare' in b.paths));"
        )
    )


# --- the walk -------------------------------------------------------------------------------------


def test_walk_search_and_facet(driver: Driver, base_url: str, screen: str) -> None:
    from selenium.webdriver.common.keys import Keys

    d = driver
    d.get(base_url + "/")
    box = _one(d, "#q")
    _wait(d, lambda drv: "份报告" in _one(drv, "#stats").text)
    box.send_keys("公开", Keys.ENTER)
    _wait(d, lambda drv: _css(drv, "#hits .hit-text mark"))
    before = int(re.search(r"共\s*(\d+)\s*个段落", _one(d, "#summary").text).group(1))  # type: ignore[union-attr]
    toggle = _one(d, "#filters-toggle")
    if screen == "phone":
        # filters come first on a phone: the toggle sits above the first hit, folded until asked
        assert toggle.is_displayed() and toggle.location["y"] < _one(d, "#hits > li").location["y"]
        assert not _one(d, "#facet-panels").is_displayed()
        _click(d, toggle)
        _wait(d, lambda drv: _one(drv, "#facet-panels").is_displayed())
    else:
        assert not toggle.is_displayed()
    year = _one(d, "[aria-labelledby=facet-year] .facet-value")
    count = int(year.find_element("css selector", ".count").text)
    _click(d, year)
    _wait(d, lambda drv: "year=" in drv.current_url and f"共 {count} 个段落" in _one(drv, "#summary").text)
    assert count <= before
    _shot(d, "search", screen)
    # the hits can be taken away as a file
    download = _one(d, "#downloads a.download")
    assert "/api/export?" in download.get_attribute("href") and "year=" in download.get_attribute("href")
    # a hit opens its report page (not the raw JSON)
    report_link = _one(d, "#hits .hit-report")
    assert "/report/" in report_link.get_attribute("href")
    _no_console_errors(d)


def test_walk_report_page_marks_a_wrong_cell_and_links_its_finding(
    driver: Driver, base_url: str, screen: str
) -> None:
    d = driver
    d.get(base_url + "/")
    report_id = _report_id(base_url, d, UNBALANCED.name)
    _open(d, f"{base_url}/report/{report_id}")
    assert "平潭综合实验区公安局" in _one(d, "#report-title").text
    # the three tables, as printed
    assert len(_css(d, "#tables table.grid")) == 3
    cell = _one(d, "#cell-applications-carried_forward-total")
    assert "flagged-error" in cell.get_attribute("class") and cell.text.strip() == "1"
    _click(d, cell.find_element("css selector", "a"))
    _wait(d, lambda drv: "#finding-" in drv.current_url)
    finding = d.find_element("id", d.current_url.split("#", 1)[1])
    assert "申请数量勾稽关系不平衡" in finding.text and "T3-BALANCE" in finding.text
    assert "natural_person" not in finding.text and "carried_forward" not in finding.text  # no keys shown
    # the finding links back to the cell
    back = [a for a in finding.find_elements("css selector", "a.to-cell") if "结转下年度" in a.text]
    assert back
    # claims: highlighted in their passage, linked to their cells
    claim = _one(d, "#passages mark.claim a")
    assert claim.get_attribute("href").split("#", 1)[1].startswith("cell-")
    assert "原文第" in _one(d, ".passage-meta").text
    _shot(d, "report", screen)
    _no_console_errors(d)


def test_walk_reports_list_sorted_by_errors_opens_a_report(
    driver: Driver, base_url: str, screen: str
) -> None:
    d = driver
    _open(d, base_url + "/reports?sort=errors")
    assert "共 5 份报告" in _one(d, "#summary").text
    first = _one(d, "#reports .report-link")
    assert "平潭综合实验区公安局 2021" in first.text  # the most errors first
    _click(d, first)
    _ready(d)
    assert "/report/" in d.current_url and _css(d, "#tables td.flagged-error")
    _no_console_errors(d)


def test_walk_unknown_report_says_so_in_chinese(driver: Driver, base_url: str) -> None:
    d = driver
    d.get(base_url + "/report/no-such-report")
    box = _wait(d, lambda drv: [e for e in _css(drv, "#error") if e.is_displayed()])[0]
    assert "找不到这份报告" in box.text and "report_not_found" not in box.text  # the code is folded away
    d.get_log("browser")  # the 404 is expected: leave no entry for the next step's console check


def test_walk_findings_page_filtered_by_rule(driver: Driver, base_url: str, screen: str) -> None:
    d = driver
    _open(d, base_url + "/findings")
    chip = _one(d, "#by-rule a[data-rule='T3-BALANCE']")
    expected = int(chip.find_element("css selector", ".count").text)
    _click(d, chip)
    _wait(d, lambda drv: "rule=T3-BALANCE" in drv.current_url)
    _ready(d)
    assert f"共 {expected} 项检查发现" in _one(d, "#summary").text
    rules = {e.text for e in _css(d, "#findings .rule-id")}
    assert rules == {"T3-BALANCE"}
    link = _one(d, "#findings .finding-report-link")
    assert "/report/" in link.get_attribute("href") and "#cell-applications-" in link.get_attribute("href")
    _shot(d, "findings", screen)
    _no_console_errors(d)


def test_walk_comparison_heat_map_and_near_copy(driver: Driver, base_url: str, screen: str) -> None:
    d = driver
    d.get(base_url + "/")
    if not _has_compare(d):
        pytest.skip("GET /api/compare is not served yet")
    _open(d, base_url + "/compare")
    assert _svg_marks(d, "chart-matrix") > 10  # the heat map is drawn
    # a matrix cell opens its passages
    details = _one(d, "#matrix-table-box")
    _click(d, details.find_element("css selector", "summary"))
    _click(d, _one(d, "#matrix-table .matrix-cell"))
    _wait(d, lambda drv: _one(drv, "#cell-passages").is_displayed())
    assert _css(d, "#cell-passages .passage-text")
    # a near-copy pair side by side, the shared text highlighted on both sides
    pair = _one(d, "#pairs .pair-copied_prev_year")
    sides = pair.find_elements("css selector", ".pair-side")
    assert len(sides) == 2
    assert all(side.find_elements("css selector", "mark.shared") for side in sides)
    years = {re.search(r"(\d{4})年", s.find_element("css selector", "h4").text).group(1) for s in sides}  # type: ignore[union-attr]
    assert years == {"2022", "2023"}
    _shot(d, "compare", screen)
    _no_console_errors(d)


def test_walk_charts_are_drawn(driver: Driver, base_url: str, screen: str) -> None:
    d = driver
    _open(d, base_url + "/charts")
    for chart in ("chart-applications", "chart-trend", "chart-rules", "chart-regions", "chart-topics"):
        assert _svg_marks(d, chart) > 5, chart
    _shot(d, "charts", screen)
    _no_console_errors(d)


def test_walk_check_a_file_through_upload(
    driver: Driver, base_url: str, downloads: Path, screen: str
) -> None:
    d = driver
    d.get(base_url + "/check")
    _one(d, "#file").send_keys(str(UNBALANCED))
    _ready(d)
    _wait(d, lambda drv: _one(drv, "#result").is_displayed())
    assert "检查完毕" in _one(d, "#status").text
    assert "T3-BALANCE" in {e.text for e in _css(d, "#findings .rule-id")}
    assert "flagged-error" in _one(d, "#cell-applications-carried_forward-total").get_attribute("class")
    # its findings can be taken away too (made in the page: the file is not indexed)
    for old in downloads.glob("*"):
        old.unlink()
    _click(d, _one(d, "#check-downloads a.download-check-findings-csv"))
    target = downloads / f"{UNBALANCED.stem}-findings.csv"
    _wait(d, lambda _: target.exists() and target.stat().st_size > 0)
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert {r["rule"] for r in rows} == {"T3-BALANCE"} and all(r["message_zh"] for r in rows)
    _shot(d, "check", screen)
    _no_console_errors(d)


def test_walk_csv_download(driver: Driver, base_url: str, downloads: Path, screen: str) -> None:
    d = driver
    _open(d, base_url + "/findings?rule=T3-BALANCE")
    for old in downloads.glob("*"):
        old.unlink()
    _click(d, _one(d, "#downloads a.download-findings-csv"))
    target = downloads / "govreport-findings.csv"
    _wait(d, lambda _: target.exists() and target.stat().st_size > 0)
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert rows and {r["rule"] for r in rows} == {"T3-BALANCE"}
    assert {"report_id", "issuing_body", "message_zh"} <= set(rows[0])
