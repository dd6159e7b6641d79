// The reports page (/reports): every indexed report, filtered by the URL (region, level, year, body, flag),
// sorted by region, year or errors, each opening its report page.
"use strict";

(() => {
  const { $, el, link, L, fetchJSON, showError, regionText, levelLabel } = GR;
  const PAGE_SIZE = 50;
  const FILTERS = ["province", "city", "county", "level", "year", "body", "flag"];
  const SORTS = { region: "按地区", year: "按年度", errors: "按错误数" };

  function specs() {
    return [
      { name: "flag", zh: "检查标记", label: (v) => L.flags[v] || GR.ruleTitle(v) },
      { name: "province", zh: "省份" },
      { name: "city", zh: "城市" },
      { name: "county", zh: "区县" },
      { name: "level", zh: "行政层级", label: levelLabel },
      { name: "year", zh: "报告年度", label: (v) => `${v}年` },
      { name: "body", zh: "发布机关" },
    ];
  }

  function hrefWith(params, changes) {
    const next = new URLSearchParams(params);
    for (const [name, value] of Object.entries(changes)) {
      if (value === null) next.delete(name);
      else next.set(name, value);
    }
    const query = next.toString();
    return window.location.pathname + (query ? `?${query}` : "");
  }

  function row(report) {
    const tr = el("tr");
    const name = el("td");
    const title = `${report.issuing_body || "（未识别发布机关）"}${report.year ? ` ${report.year} 年报告` : ""}`;
    name.appendChild(link(GR.reportHref(report.report_id), title, { cls: "report-link" }));
    name.appendChild(el("div", { cls: "muted mono small", text: GR.baseName(report.source) }));
    tr.appendChild(name);
    tr.appendChild(el("td", { text: regionText(report) || "—" }));
    tr.appendChild(el("td", { text: levelLabel(report.level) }));
    tr.appendChild(el("td", { cls: "num", text: report.year || "—" }));
    const sev = report.findings_by_severity || {};
    for (const s of ["error", "warning", "info"]) {
      const td = el("td", { cls: "num" });
      if (sev[s]) td.appendChild(el("span", { cls: `badge sev sev-${s}`, text: sev[s] }));
      else td.textContent = "0";
      tr.appendChild(td);
    }
    const flags = el("td");
    for (const flag of report.flags || []) flags.appendChild(el("span", { cls: "badge badge-flag", text: L.flags[flag] || GR.ruleTitle(flag) }));
    tr.appendChild(flags);
    return tr;
  }

  async function init() {
    const params = new URLSearchParams(window.location.search);
    await GR.loadRuleTitles();
    const filters = new URLSearchParams();
    for (const name of FILTERS) for (const v of params.getAll(name)) filters.append(name, v);
    const sort = SORTS[params.get("sort")] ? params.get("sort") : "region";
    const page = Math.max(1, parseInt(params.get("page") || "1", 10) || 1);
    GR.downloadBar($("downloads"), ["reports", "cells", "findings", "passages"], filters);
    $("clear-all").hidden = !GR.activeChips($("active-filters"), specs(), params);
    GR.setupFilterToggle($("filters-toggle"), $("facet-panels"), FILTERS.reduce((n, name) => n + params.getAll(name).length, 0));
    const sorts = $("sorts");
    sorts.appendChild(el("span", { cls: "muted", text: "排序：" }));
    for (const [key, text] of Object.entries(SORTS)) {
      if (key === sort) sorts.appendChild(el("strong", { text, attrs: { "aria-current": "true" } }));
      else sorts.appendChild(link(hrefWith(params, { sort: key === "region" ? null : key, page: null }), text));
    }
    const query = new URLSearchParams(filters);
    query.set("sort", sort);
    query.set("page", String(page));
    query.set("page_size", String(PAGE_SIZE));
    const { ok, body } = await fetchJSON(`/api/reports?${query}`);
    if (!ok) {
      $("summary").textContent = "";
      showError($("error"), body.error, "无法列出报告");
      return;
    }
    GR.facetPanels($("facet-panels"), specs(), body.facets, params);
    const list = $("reports");
    list.replaceChildren();
    for (const report of body.reports) list.appendChild(row(report));
    const pages = Math.max(1, Math.ceil(body.total / PAGE_SIZE));
    $("summary").textContent = body.total ? `共 ${body.total} 份报告` : "没有符合条件的报告。";
    $("page-info").textContent = pages > 1 ? `第 ${page} / ${pages} 页` : "";
    if (page > 1) { $("prev").href = hrefWith(params, { page: page > 2 ? String(page - 1) : null }); $("prev").hidden = false; }
    if (page < pages) { $("next").href = hrefWith(params, { page: String(page + 1) }); $("next").hidden = false; }
    document.body.dataset.ready = "true";
  }

  document.addEventListener("DOMContentLoaded", init);
})();
