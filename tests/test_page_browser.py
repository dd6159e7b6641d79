"""The search page in a real headless Chromium against a real uvicorn server on the seed index.

Needs Debian's `chromium` and `chromium-driver` packages (apt-get install -y chromium chromium-driver);
skipped with that reason when either is missing. The screenshot goes to pytest's tmp dir (run with
`--basetemp=DIR` to keep it somewhere known and look at it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import live_server, start_chromium

from nlp.settings import Settings

pytestmark = pytest.mark.browser

WAIT_SECONDS = 30  # an upper bound for waits, never an assertion about speed


@pytest.fixture(scope="module")
def base_url(seeded_data_dir: Path) -> Iterator[str]:
    with live_server(Settings(data_dir=seeded_data_dir, backend="sqlite")) as url:
        yield url


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    browser = start_chromium(tmp_path_factory.mktemp("chromium-profile"))
    yield browser
    browser.quit()


def _wait(driver: object, condition: object) -> object:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT_SECONDS).until(condition)  # type: ignore[arg-type]


def _total(driver: object) -> int:
    """The hit count the summary line shows; -1 while it shows none (e.g. 检索中… mid-search)."""
    from selenium.webdriver.common.by import By

    summary = driver.find_element(By.ID, "summary").text  # type: ignore[attr-defined]
    match = re.search(r"共\s*(\d+)\s*个段落", summary)
    return int(match.group(1)) if match else -1


def _province_button(driver: object, name: str) -> object:
    from selenium.webdriver.common.by import By

    for button in driver.find_elements(By.CSS_SELECTOR, "[aria-labelledby=facet-province] .facet-value"):  # type: ignore[attr-defined]
        if button.find_element(By.CLASS_NAME, "facet-label").text.strip("✓ ") == name:
            return button
    raise AssertionError(f"no province facet value {name}")


def test_page_browser_search_facet_and_narrow(driver: object, base_url: str, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    d = driver
    d.get(base_url + "/")  # type: ignore[attr-defined]
    box = _wait(d, lambda drv: drv.find_element(By.ID, "q"))
    _wait(d, lambda drv: "份报告" in drv.find_element(By.ID, "stats").text)
    box.send_keys("政策解读", Keys.ENTER)  # type: ignore[attr-defined]
    _wait(d, lambda drv: drv.find_elements(By.CSS_SELECTOR, "#hits .hit-text mark"))
    marks = d.find_elements(By.CSS_SELECTOR, "#hits .hit-text mark")  # type: ignore[attr-defined]
    assert {m.text for m in marks} == {"政策解读"}
    before = _total(d)
    henan = _province_button(d, "河南省")
    count = int(henan.find_element(By.CLASS_NAME, "count").text)  # type: ignore[attr-defined]
    assert 0 < count < before

    henan.click()  # type: ignore[attr-defined]
    _wait(d, lambda drv: "province=" in drv.current_url and _total(drv) == count)
    regions = [e.text for e in d.find_elements(By.CSS_SELECTOR, "#hits .hit-region")]  # type: ignore[attr-defined]
    assert regions and all(r.startswith("河南省") for r in regions)
    assert _province_button(d, "河南省").get_attribute("aria-pressed") == "true"  # type: ignore[attr-defined]
    shot = tmp_path / "search_page.png"
    assert d.save_screenshot(str(shot)) and shot.stat().st_size > 10_000  # type: ignore[attr-defined]

    d.refresh()  # type: ignore[attr-defined]  # the URL alone restores the search
    _wait(d, lambda drv: drv.find_elements(By.CSS_SELECTOR, "#hits .hit-text mark") and _total(drv) == count)
    d.find_element(By.CSS_SELECTOR, "#active-filters .chip").click()  # type: ignore[attr-defined]
    _wait(d, lambda drv: "province=" not in drv.current_url and _total(drv) == before)


def test_page_browser_next_page_appends(driver: object, base_url: str) -> None:
    from selenium.webdriver.common.by import By

    d = driver
    d.get(base_url + "/?q=公开")  # type: ignore[attr-defined]
    _wait(d, lambda drv: len(drv.find_elements(By.CSS_SELECTOR, "#hits > li")) == 20)
    d.find_element(By.ID, "more").click()  # type: ignore[attr-defined]
    _wait(d, lambda drv: len(drv.find_elements(By.CSS_SELECTOR, "#hits > li")) == 40)
    assert "已显示 40 个" in d.find_element(By.ID, "summary").text  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("query", "expected"),
    [('/?q="', "检索条件有误"), ("/?q=无此词语组合甲乙丙", "没有找到匹配的段落")],
)
def test_page_browser_shows_errors_and_empty_state(
    driver: object, base_url: str, query: str, expected: str
) -> None:
    from selenium.webdriver.common.by import By

    d = driver
    d.get(base_url + query)  # type: ignore[attr-defined]
    _wait(
        d,
        lambda drv: (
            expected in drv.find_element(By.ID, "error").text
            or expected in drv.find_element(By.ID, "empty").text
        ),
    )


def test_page_browser_highlights_are_not_html(driver: object, base_url: str) -> None:
    # The page builds <mark> nodes itself; no element other than mark may appear inside hit text.
    from selenium.webdriver.common.by import By

    d = driver
    d.get(base_url + "/?q=公开")  # type: ignore[attr-defined]
    _wait(d, lambda drv: drv.find_elements(By.CSS_SELECTOR, "#hits .hit-text mark"))
    assert not d.find_elements(By.CSS_SELECTOR, "#hits .hit-text *:not(mark)")  # type: ignore[attr-defined]
