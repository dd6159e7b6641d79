"""The HTML reader drops site chrome by the configured CSS selectors, testing the simple ones itself
(soupsieve is slow on pages where every element has a class): it must drop exactly what soupsieve's
`select` would, on every HTML file the project holds and on hand-written cases."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from nlp.readers.common import readers_config
from nlp.readers.html import _first_match, _split_selectors

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted(p for d in ("tests/fixtures", "samples") for p in (ROOT / d).rglob("*.htm*"))
SELECTORS: list[str] = list(readers_config()["html"]["drop_selectors"])


def _paths(soup: BeautifulSoup, elements: list[Tag]) -> list[tuple[int, ...]]:
    index = {id(e): i for i, e in enumerate(soup.find_all(True))}
    return sorted((index[id(e)],) for e in elements)


def _by_soupsieve(soup: BeautifulSoup, selectors: list[str]) -> list[tuple[int, ...]]:
    return _paths(soup, list(soup.select(", ".join(selectors))))


def _by_simple(soup: BeautifulSoup, selectors: list[str]) -> list[tuple[int, ...]]:
    simple, other = _split_selectors(selectors)
    assert not other, other
    return _paths(soup, [e for e in soup.find_all(True) if simple.matches(e)])


TITLES: list[str] = list(readers_config()["html"]["title_selectors"])


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_chrome_selectors_match_what_soupsieve_matches_on_real_pages(page: Path) -> None:
    soup = BeautifulSoup(page.read_bytes(), "lxml")
    assert _by_simple(soup, SELECTORS) == _by_soupsieve(soup, SELECTORS)
    for selector in TITLES:
        assert _first_match(soup, selector) is soup.select_one(selector)


CASES = """
<html><body>
<div class="top-navbar x">a</div><div class="NAV">b</div><div id="subnav">c</div>
<div role="navigation">d</div><div role="navigationx">e</div><p class="MsoNormal">f</p>
<div class="">g</div><section data-x="1">h</section><SCRIPT>i</SCRIPT><div class="a b">j</div>
</body></html>
"""


@pytest.mark.parametrize(
    "selectors",
    [
        ["[class*=nav]"],
        ["[role=navigation]"],
        ["[id*=nav]", "script"],
        ["[data-x]"],
        ['[class="a b"]'],
        ["[class*='a b']"],
        ["[class=NAV]", "section"],
        ['[class*=""]'],
        [".MsoNormal", ".a", ".NAV"],
        [".nav", ".b"],
    ],
)
def test_chrome_selectors_keep_css_meaning(selectors: list[str]) -> None:
    soup = BeautifulSoup(CASES, "lxml")
    assert _by_simple(soup, selectors) == _by_soupsieve(soup, selectors)


def test_other_selectors_are_left_to_soupsieve() -> None:
    simple, other = _split_selectors(["div > p", "script", "[class~=nav]", "a:hover"])
    assert other == ["div > p", "[class~=nav]", "a:hover"]
    assert simple.tags == {"script"}
