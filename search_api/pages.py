"""The workbench's HTML pages, assembled once when the app starts from one shell and a fragment per page.

`static/_shell.html` holds what every page repeats (head, site header and navigation); each page's own
file (`static/index.html`, `static/report.html`, …) holds only what follows the header. There is no
build step: `assemble_pages` fills the shell when `create_app` runs and the routes answer the result.
Links and forms stay plain HTML, so the pages work without JavaScript as before.

A template names a slot `{name}` or `{name:argument}` (lower-case names, so the JSON braces a page
shows are left alone). A slot alone on its line is replaced by its lines, each indented as the slot
was, and an empty slot removes its line; elsewhere a slot is replaced in place. An unknown slot fails
at start-up. The slots of a page fragment:

- `{facets}` / `{facets:/path}`: the filter panel (`_facets.html`); its 清除全部筛选 is a button the
  script handles, or with a path a link to that page without filters.
- `{pager}`: the previous/next links of a list (`_pager.html`).
- `{downloads:what}`: links to `GET /api/export?what=…` in every export format.
- `{format_options}`: the `<option>`s of those formats.

The files whose name starts with `_` and the fragments are templates: `/static/` does not serve HTML
(`AssetFiles`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from fastapi.staticfiles import StaticFiles

__all__ = ["NAV", "PAGES", "AssetFiles", "Page", "assemble_pages", "fill"]

# The site navigation, in its order: (href, label). A page's `nav` names the entry marked current.
NAV: tuple[tuple[str, str], ...] = (
    ("/", "段落检索"),
    ("/reports", "报告"),
    ("/findings", "检查发现"),
    ("/compare", "对比"),
    ("/charts", "图表"),
    ("/check", "检查文件"),
    ("/docs", "接口说明"),
)
# The export formats (search_api.exporting.ExportFormat) as a page names them.
EXPORT_FORMATS: tuple[tuple[str, str], ...] = (
    ("csv", "CSV"),
    ("jsonl", "JSON Lines"),
    ("parquet", "Parquet"),
)
_SUFFIX = " · 政府信息公开工作年度报告"


@dataclass(frozen=True)
class Page:
    path: str  # the route; /report/{report_id} answers the same page for every id
    fragment: str  # the file under static/ holding what follows the site header
    title: str
    scripts: tuple[str, ...]  # under /static/, after labels.js and common.js
    nav: str | None  # the NAV href marked aria-current="page" (as common.js marks it)
    body_class: str = ""
    skip: tuple[str, str] | None = ("#main", "跳到正文")  # the skip link's target and text
    echarts: bool = False  # loads the vendored ECharts before everything else
    stats: bool = False  # the index's line of figures in the header


PAGES: tuple[Page, ...] = (
    Page("/", "index.html", "政府信息公开年度报告检索", ("app.js",), "/", skip=("#results", "跳到检索结果"),
         stats=True),
    Page("/docs", "docs.html", "govreport API 文档", ("docs.js",), "/docs", skip=None),
    Page("/report/{report_id}", "report.html", "报告详情" + _SUFFIX, ("reportview.js", "report.js"), None,
         "page-report"),
    Page("/reports", "reports.html", "报告列表" + _SUFFIX, ("reports.js",), "/reports", "page-reports",
         skip=("#results", "跳到报告列表")),
    Page("/findings", "findings.html", "检查发现" + _SUFFIX, ("findings.js",), "/findings", "page-findings",
         skip=("#results", "跳到检查发现列表")),
    Page("/compare", "compare.html", "对比" + _SUFFIX, ("compare.js",), "/compare", "page-compare",
         echarts=True),
    Page("/check", "check.html", "检查文件" + _SUFFIX, ("reportview.js", "check.js"), "/check", "page-check"),
    Page("/charts", "charts.html", "图表" + _SUFFIX, ("charts.js",), "/charts", "page-charts",
         skip=("#main", "跳到图表"), echarts=True),
)  # fmt: skip

_SLOT = re.compile(r"\{([a-z_]+)(?::([^{}\s]*))?\}")
Slots = Mapping[str, str] | Callable[[str, str | None], str]


def fill(template: str, slots: Slots) -> str:
    """`template` with its slots filled from `slots` (a mapping of names, or a function of name and
    argument); see the module's docstring for the rules."""

    def value(match: re.Match[str]) -> str:
        name, argument = match.group(1), match.group(2)
        if callable(slots):
            return slots(name, argument)
        if argument is not None or name not in slots:
            raise KeyError(f"unknown slot {match.group(0)}")
        return slots[name]

    lines = []
    for line in template.splitlines(keepends=True):
        indent = line[: len(line) - len(line.lstrip(" "))]
        alone = _SLOT.fullmatch(line.strip())
        if alone is None:
            lines.append(_SLOT.sub(value, line))
            continue
        lines.extend(
            indent + part if part.strip() else part for part in value(alone).splitlines(keepends=True)
        )
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
    return "".join(lines)


def _read(static: Path, name: str) -> str:
    return (static / name).read_text(encoding="utf-8")


def _fragment_slots(static: Path) -> Callable[[str, str | None], str]:
    facets, pager = _read(static, "_facets.html"), _read(static, "_pager.html")

    def slot(name: str, argument: str | None) -> str:
        if name == "facets":
            clear_all = (
                f'<a id="clear-all" class="link-button" href="{argument}" hidden>清除全部筛选</a>'
                if argument
                else '<button type="button" id="clear-all" class="link-button" hidden>清除全部筛选</button>'
            )
            return fill(facets, {"clear_all": clear_all})
        if name == "pager" and argument is None:
            return pager
        if name == "downloads" and argument:
            return " · ".join(
                f'<a href="/api/export?what={argument}&amp;format={key}">{label}</a>'
                for key, label in EXPORT_FORMATS
            )
        if name == "format_options" and argument is None:
            return "".join(f'<option value="{key}">{label}</option>' for key, label in EXPORT_FORMATS)
        raise KeyError(f"unknown slot {{{name}{'' if argument is None else ':' + argument}}}")

    return slot


def _page_html(shell: str, page: Page, main: str) -> str:
    scripts = [*(["vendor/echarts/echarts.min.js"] if page.echarts else []), "labels.js", "common.js"]
    current = ' aria-current="page"'
    nav = "\n".join(
        f'<a href="{href}"{current if href == page.nav else ""}>{label}</a>' for href, label in NAV
    )
    return fill(
        shell,
        {
            "title": page.title,
            "scripts": "\n".join(
                f'<script src="/static/{s}" defer></script>' for s in [*scripts, *page.scripts]
            ),
            "body_class": f' class="{page.body_class}"' if page.body_class else "",
            "skip_link": f'<a class="skip-link" href="{page.skip[0]}">{page.skip[1]}</a>'
            if page.skip
            else "",
            "nav": nav,
            "header_end": '<p class="stats" id="stats" aria-live="polite"></p>' if page.stats else "",
            "main": main,
        },
    )


def assemble_pages(static: Path) -> dict[str, bytes]:
    """Each page's HTML (UTF-8) by its route, assembled from the templates under `static`."""
    shell, slot = _read(static, "_shell.html"), _fragment_slots(static)
    return {
        page.path: _page_html(shell, page, fill(_read(static, page.fragment), slot)).encode("utf-8")
        for page in PAGES
    }


class AssetFiles(StaticFiles):
    """The files under /static/: scripts, styles and vendored assets, but no HTML, which is the pages'
    templates (fragments and the shell are not pages of their own; a page is served at its route)."""

    def lookup_path(self, path: str) -> tuple[str, os.stat_result | None]:
        if path.lower().endswith((".html", ".htm")):
            return "", None
        return super().lookup_path(path)
