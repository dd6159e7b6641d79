// Shared by every page: DOM helpers, the JSON fetch, Chinese names of template keys, download links.
// Server text is only ever inserted as text nodes.
"use strict";

const GR = (() => {
  const L = GR_LABELS;

  function $(id) {
    return document.getElementById(id);
  }

  function el(tag, { cls, text, title, attrs } = {}) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (title) node.title = title;
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    return node;
  }

  function link(href, text, { cls, title } = {}) {
    const a = el("a", { cls, text, title });
    a.href = href;
    return a;
  }

  async function fetchJSON(url, options = {}) {
    let response;
    try {
      response = await fetch(url, { headers: { Accept: "application/json" }, ...options });
    } catch (err) {
      return { ok: false, status: 0, body: { error: { code: "network_error", message: "无法连接服务器" } } };
    }
    let body = null;
    try {
      body = await response.json();
    } catch (err) {
      body = { error: { code: `http_${response.status}`, message: "服务器返回了无法解析的内容" } };
    }
    return { ok: response.ok, status: response.status, body };
  }

  const ERROR_MESSAGES = {
    report_not_found: "找不到这份报告（可能已被重新入库，编号改变）。",
    index_not_found: "服务器尚未建立索引：请先运行 govreport ingest 入库报告。",
    backend_unavailable: "检索服务暂时不可用，请稍后再试。",
    network_error: "无法连接服务器。",
    query_invalid: "检索条件有误（例如英文双引号没有成对，或筛选值不合法）。",
    query_too_long: "检索词太长。",
    page_token_invalid: "翻页标记已失效，请重新检索。",
    read_too_large: "文件太大，超过服务器允许的大小。",
    read_unsupported: "不支持这种文件格式（.doc 请另存为 .docx）。",
    read_empty: "文件是空的。",
    read_binary: "这不是文本文件，也不是可读取的 PDF/DOCX。",
    read_encoding: "无法识别文件的字符编码。",
    read_ocr_needed: "这是扫描版 PDF，没有文字层，需要先做文字识别（OCR）。",
    read_encrypted: "文件已加密，无法读取。",
    read_corrupt: "文件已损坏，无法读取。",
    read_not_a_report: "这份文件看起来不是政府信息公开工作年度报告。",
    read_timeout: "读取文件超时。",
  };

  // An error box: a Chinese sentence first, the server's code and message after it for the record.
  function showError(box, error, prefix) {
    box.replaceChildren();
    const code = (error && error.code) || "error";
    box.appendChild(el("strong", { text: prefix || "出错了" }));
    box.appendChild(el("span", { text: ERROR_MESSAGES[code] || "服务器未能完成请求。" }));
    // the server's own words (often English) stay folded away, for whoever reports the problem
    const detail = el("details", { cls: "error-detail" });
    detail.appendChild(el("summary", { text: "技术信息" }));
    detail.appendChild(el("code", { text: `${code}${error && error.message ? "：" + error.message : ""}` }));
    box.appendChild(detail);
    box.hidden = false;
  }

  function regionText(region) {
    const parts = [];
    for (const part of [region.province, region.city, region.county]) {
      if (part && !parts.includes(part)) parts.push(part);
    }
    return parts.join(" ");
  }

  function baseName(path) {
    return String(path || "").split(/[\\/]/).pop();
  }

  function reportHref(id, hash) {
    return `/report/${encodeURIComponent(id)}` + (hash ? `#${hash}` : "");
  }

  function levelLabel(level) {
    return L.levels[level] || level || "未识别";
  }

  function severityBadge(severity) {
    return el("span", { cls: `badge sev sev-${severity}`, text: L.severities[severity] || severity });
  }

  // --- template keys → printed names ---------------------------------------------------------------

  const applicationRowLabel = Object.fromEntries(L.applicationRows.map(([key, label]) => [key, label]));

  function rowLabel(table, row) {
    if (table === "active_disclosure") return L.activeRows[row] || null;
    if (table === "applications") return applicationRowLabel[row] || null;
    if (table === "review_litigation") return L.reviewGroups[row] || null;
    return null;
  }

  function columnLabel(table, column) {
    if (table === "active_disclosure") return L.activeColumns[column] || null;
    if (table === "applications") return L.applicationColumns[column] || null;
    if (table === "review_litigation") return L.reviewColumns[column] || null;
    return null;
  }

  // A finding's cell: `*` stands for a whole row (column) or the whole table (row).
  function cellName(table, row, column) {
    const t = L.tables[table];
    const parts = [t ? t.short : "表格"];
    if (row === "*" || row === table) parts.push("整张表");
    else {
      parts.push(rowLabel(table, row) || "（未识别的行）");
      if (column === "*") parts.push("整行");
      else if (column) parts.push(columnLabel(table, column) || "（未识别的列）");
    }
    return parts.join(" · ");
  }

  // " = 12" after a cell's name: its printed text, （空白） when printed blank, nothing for a whole row or
  // table, （未读出） when no value could be placed
  function cellValueText(c) {
    if (c.row === "*" || c.column === "*" || c.row === c.table) return "";
    if (c.raw === null || c.raw === undefined) return "（未读出）";
    return ` = ${c.raw === "" ? "（空白）" : c.raw}`;
  }

  function cellId(table, row, column) {
    if (row === "*" || row === table) return `title-${table}`;
    if (column === "*") return table === "review_litigation" ? `cell-${table}-${row}-upheld` : `row-${table}-${row}`;
    return `cell-${table}-${row}-${column}`;
  }

  const TABLE_KEYS = Object.keys(L.tables);
  const ROW_KEYS = new Set([...Object.keys(L.activeRows), ...Object.keys(applicationRowLabel), ...Object.keys(L.reviewGroups)]);

  // Some server messages still quote template keys (active.punishment.decisions, suit_after_review_corrected,
  // table applications); put the printed names in their place.
  function humanize(text) {
    let out = String(text || "");
    out = out.replace(/\b(active|applications|active_disclosure|review_litigation)\.([a-z_]+)\.([a-z_]+)\b/g, (m, t, r, c) => {
      const table = t === "active" ? "active_disclosure" : t;
      const row = rowLabel(table, r);
      const col = columnLabel(table, c);
      return row && col ? `${row}「${col}」` : m;
    });
    out = out.replace(/\b(applications|review|suit|suit_direct|suit_after_review)\.([a-z_]+)\b/g, (m, g, c) => {
      if (L.metrics[m]) return L.metrics[m];
      return L.metricGroups[g] && L.reviewColumns[c] ? `${L.metricGroups[g]}「${L.reviewColumns[c]}」` : m;
    });
    out = out.replace(/\b(review|suit_direct|suit_after_review)_(upheld|corrected|other|pending|total)\b/g, (m, r, c) => `${L.reviewGroups[r]}「${L.reviewColumns[c]}」`);
    out = out.replace(/\b[a-z]+(?:_[a-z]+)+\b/g, (m) => {
      if (TABLE_KEYS.includes(m)) return L.tables[m].short;
      for (const table of TABLE_KEYS) {
        if (ROW_KEYS.has(m) && rowLabel(table, m)) return rowLabel(table, m);
        if (columnLabel(table, m)) return columnLabel(table, m);
      }
      return m;
    });
    return out;
  }

  function hasCJK(text) {
    return /[\u4e00-\u9fff]/.test(String(text || ""));
  }

  // --- rule titles (from /api/facets) ---------------------------------------------------------------

  let ruleTitles = null;

  async function loadRuleTitles() {
    if (ruleTitles) return ruleTitles;
    const { ok, body } = await fetchJSON("/api/facets");
    ruleTitles = ok && body.flag_titles ? body.flag_titles : {};
    return ruleTitles;
  }

  function ruleTitle(rule) {
    const known = ruleTitles && ruleTitles[rule];
    return known ? known.zh : (L.flags[rule] || rule);
  }

  // --- downloads -------------------------------------------------------------------------------------

  const FORMATS = {
    csv: { name: "CSV", title: "逗号分隔的表格文件，可用 Excel/WPS 打开" },
    jsonl: { name: "JSON Lines", title: "每行一条 JSON 记录" },
    parquet: { name: "Parquet", title: "列式数据文件，可用 pandas、DuckDB 等读取" },
  };

  // A row of download links (plain links: they work without scripts too) for `whats`, with the
  // filters `params` (a URLSearchParams) the list on the page shows.
  function downloadBar(box, whats, params) {
    box.replaceChildren();
    box.appendChild(el("span", { cls: "download-label", text: "下载：" }));
    for (const what of whats) {
      for (const format of Object.keys(FORMATS)) {
        const query = new URLSearchParams(params || "");
        query.set("what", what);
        query.set("format", format);
        const a = link(`/api/export?${query}`, `${L.exportWhat[what]} ${FORMATS[format].name}`, {
          cls: `download download-${what}-${format}`,
          title: FORMATS[format].title,
        });
        a.setAttribute("download", `govreport-${what}.${format}`);
        box.appendChild(a);
      }
    }
  }

  // --- filter panels as links (the URL is the state; a click loads the filtered page) ------------------

  function toggledHref(params, name, value) {
    const next = new URLSearchParams(params);
    const values = next.getAll(name);
    next.delete(name);
    for (const v of values) if (v !== value) next.append(name, v);
    if (!values.includes(value)) next.append(name, value);
    next.delete("page");
    const query = next.toString();
    return window.location.pathname + (query ? `?${query}` : "");
  }

  const FACET_VISIBLE = 8;

  // specs: [{name, zh, label(value) → text}]; facets: {name: [{value, count}]}
  function facetPanels(box, specs, facets, params) {
    box.replaceChildren();
    for (const spec of specs) {
      const active = params.getAll(spec.name);
      const buckets = [...((facets || {})[spec.name] || [])];
      for (const value of active) if (!buckets.some((b) => String(b.value) === value)) buckets.unshift({ value, count: 0 });
      if (!buckets.length) continue;
      const panel = el("section", { cls: "facet", attrs: { "aria-labelledby": `facet-${spec.name}` } });
      panel.appendChild(el("h3", { text: spec.zh, attrs: { id: `facet-${spec.name}` } }));
      const list = el("ul", { cls: "facet-values" });
      buckets.forEach((bucket, i) => {
        const value = String(bucket.value);
        const on = active.includes(value);
        const item = el("li");
        if (i >= FACET_VISIBLE && !on) item.className = "overflow";
        const a = link(toggledHref(params, spec.name, value), null, { cls: "facet-value" });
        a.setAttribute("aria-pressed", String(on));
        a.dataset.facet = spec.name;
        a.dataset.value = value;
        a.appendChild(el("span", { cls: "facet-label", text: spec.label ? spec.label(value) : value }));
        a.appendChild(el("span", { cls: "count", text: bucket.count }));
        item.appendChild(a);
        list.appendChild(item);
      });
      panel.appendChild(list);
      if (list.querySelector(".overflow")) {
        const more = el("button", { cls: "link-button", text: "更多…", attrs: { type: "button", "aria-expanded": "false" } });
        more.addEventListener("click", () => {
          const open = list.classList.toggle("expanded");
          more.textContent = open ? "收起" : "更多…";
          more.setAttribute("aria-expanded", String(open));
        });
        panel.appendChild(more);
      }
      box.appendChild(panel);
    }
  }

  function activeChips(box, specs, params) {
    box.replaceChildren();
    let any = false;
    for (const spec of specs) {
      for (const value of params.getAll(spec.name)) {
        any = true;
        const chip = link(toggledHref(params, spec.name, value), null, { cls: "chip" });
        chip.setAttribute("aria-label", `移除筛选 ${spec.zh}：${spec.label ? spec.label(value) : value}`);
        chip.appendChild(el("span", { text: `${spec.zh}：${spec.label ? spec.label(value) : value}` }));
        chip.appendChild(el("span", { cls: "chip-x", text: "×", attrs: { "aria-hidden": "true" } }));
        box.appendChild(chip);
      }
    }
    return any;
  }

  // On a phone the filter panels come first but folded, behind a button that says how many are set.
  function setupFilterToggle(button, panels, activeCount) {
    if (!button || !panels) return () => {};
    const narrow = window.matchMedia("(max-width: 760px)");
    const count = () => (typeof activeCount === "function" ? activeCount() : activeCount);
    const label = () => (panels.hidden ? `展开筛选条件${count() ? `（已选 ${count()} 项）` : ""}` : "收起筛选条件");
    const apply = () => {
      panels.hidden = narrow.matches && button.getAttribute("aria-expanded") !== "true";
      button.textContent = label();
    };
    button.addEventListener("click", () => {
      button.setAttribute("aria-expanded", String(button.getAttribute("aria-expanded") !== "true"));
      apply();
    });
    narrow.addEventListener("change", apply);
    apply();
    return apply;
  }

  // The export kinds the server offers (GET /api/export's `what`), read once from /openapi.json.
  let exportKinds = null;

  async function loadExportKinds() {
    if (exportKinds) return exportKinds;
    const { ok, body } = await fetchJSON("/openapi.json");
    exportKinds = new Set(["cells", "findings", "passages", "reports"]);
    if (!ok) return exportKinds;
    const text = JSON.stringify(((body.components || {}).schemas || {}).ExportParams || body.paths["/api/export"] || {});
    if (text.includes('"search"')) exportKinds.add("search");
    return exportKinds;
  }

  function markCurrentNav() {
    const path = window.location.pathname;
    for (const a of document.querySelectorAll(".site-nav a")) {
      const target = a.getAttribute("href");
      if (target === path || (target !== "/" && path.startsWith(target))) a.setAttribute("aria-current", "page");
    }
  }

  document.addEventListener("DOMContentLoaded", markCurrentNav);

  return {
    $, el, link, fetchJSON, showError, regionText, baseName, reportHref, levelLabel, severityBadge,
    rowLabel, columnLabel, cellName, cellId, cellValueText, humanize, hasCJK, loadRuleTitles, ruleTitle, downloadBar, L,
    toggledHref, facetPanels, activeChips, setupFilterToggle, loadExportKinds,
  };
})();
