// The findings page (/findings): every stored finding, filtered by the URL (rule, severity, region, level,
// year, body, page), counted by rule, each linked to its report and cell.
"use strict";

(() => {
  const { $, el, link, L, fetchJSON, showError, regionText, levelLabel, severityBadge, humanize, cellName, cellId } = GR;
  const PAGE_SIZE = 20;
  const FILTERS = ["rule", "severity", "province", "city", "county", "level", "year", "body"];

  function specs() {
    return [
      { name: "rule", zh: "检查规则", label: (v) => GR.ruleTitle(v) },
      { name: "severity", zh: "严重程度", label: (v) => L.severities[v] || v },
      { name: "province", zh: "省份" },
      { name: "city", zh: "城市" },
      { name: "county", zh: "区县" },
      { name: "level", zh: "行政层级", label: levelLabel },
      { name: "year", zh: "报告年度", label: (v) => `${v}年` },
      { name: "body", zh: "发布机关" },
    ];
  }

  function filterParams(params) {
    const out = new URLSearchParams();
    for (const name of FILTERS) for (const v of params.getAll(name)) out.append(name, v);
    return out;
  }

  function renderByRule(box, buckets, params) {
    box.replaceChildren();
    for (const b of buckets || []) {
      const on = params.getAll("rule").includes(String(b.value));
      const a = link(GR.toggledHref(params, "rule", String(b.value)), null, { cls: `chip-count${on ? " on" : ""}` });
      a.dataset.rule = String(b.value);
      a.setAttribute("aria-pressed", String(on));
      a.appendChild(el("span", { text: GR.ruleTitle(b.value) }));
      a.appendChild(el("span", { cls: "count", text: ` ${b.count}` }));
      box.appendChild(a);
    }
  }

  function renderFinding(found) {
    const f = found.finding;
    const item = el("li", { cls: `finding sev-border-${f.severity}` });
    const head = el("p", { cls: "finding-head" });
    head.appendChild(severityBadge(f.severity));
    head.appendChild(el("strong", { text: GR.ruleTitle(f.rule) }));
    head.appendChild(el("span", { cls: "rule-id", text: f.rule, title: "规则编号" }));
    item.appendChild(head);
    const where = el("p", { cls: "finding-report" });
    const cells = f.cells || [];
    const hash = cells.length ? cellId(cells[0].table, cells[0].row, cells[0].column) : "findings-title";
    const title = `${found.issuing_body || "（未识别发布机关）"}${found.year ? ` ${found.year} 年报告` : ""}`;
    where.appendChild(link(GR.reportHref(found.report_id, hash), title, { cls: "finding-report-link" }));
    const region = regionText(found);
    if (region) where.appendChild(el("span", { cls: "muted", text: region }));
    item.appendChild(where);
    item.appendChild(el("p", { cls: "finding-message", text: humanize(f.message_zh) }));
    if (f.text) item.appendChild(el("blockquote", { cls: "finding-text", text: f.text }));
    if (cells.length) {
      const list = el("ul", { cls: "cell-links" });
      for (const c of cells) {
        const li = el("li");
        li.appendChild(link(GR.reportHref(found.report_id, cellId(c.table, c.row, c.column)), cellName(c.table, c.row, c.column) + GR.cellValueText(c)));
        list.appendChild(li);
      }
      item.appendChild(list);
    }
    return item;
  }

  function pageHref(params, page) {
    const next = new URLSearchParams(params);
    if (page > 1) next.set("page", String(page));
    else next.delete("page");
    const query = next.toString();
    return window.location.pathname + (query ? `?${query}` : "");
  }

  async function init() {
    const params = new URLSearchParams(window.location.search);
    await GR.loadRuleTitles();
    const filters = filterParams(params);
    const page = Math.max(1, parseInt(params.get("page") || "1", 10) || 1);
    GR.downloadBar($("downloads"), ["findings", "cells", "reports"], filters);
    const hasActive = GR.activeChips($("active-filters"), specs(), params);
    $("clear-all").hidden = !hasActive;
    const activeCount = FILTERS.reduce((n, name) => n + params.getAll(name).length, 0);
    GR.setupFilterToggle($("filters-toggle"), $("facet-panels"), activeCount);
    const query = new URLSearchParams(filters);
    query.set("page", String(page));
    query.set("page_size", String(PAGE_SIZE));
    const { ok, body } = await fetchJSON(`/api/findings?${query}`);
    if (!ok) {
      $("summary").textContent = "";
      showError($("error"), body.error, "无法列出检查发现");
      return;
    }
    GR.facetPanels($("facet-panels"), specs(), body.facets, params);
    renderByRule($("by-rule"), (body.facets || {}).rule, params);
    const list = $("findings");
    list.replaceChildren();
    for (const found of body.findings) list.appendChild(renderFinding(found));
    const pages = Math.max(1, Math.ceil(body.total / PAGE_SIZE));
    $("summary").textContent = body.total ? `共 ${body.total} 项检查发现，第 ${page}/${pages} 页` : "没有符合条件的检查发现。";
    $("page-info").textContent = pages > 1 ? `第 ${page} / ${pages} 页` : "";
    if (page > 1) { $("prev").href = pageHref(params, page - 1); $("prev").hidden = false; }
    if (page < pages) { $("next").href = pageHref(params, page + 1); $("next").hidden = false; }
    document.body.dataset.ready = "true";
  }

  document.addEventListener("DOMContentLoaded", init);
})();
