// The search page. No framework, no build step, no external assets.
// The URL query string is the state (q, sort, filters), so every search can be shared or bookmarked.
// Server text is never inserted as HTML: highlights are rebuilt as text nodes and <mark> elements.
"use strict";

const PAGE_SIZE = 20;
const FACET_VISIBLE = 8; // values shown before "更多"

const FACETS = [
  { name: "province", zh: "省份", en: "Province" },
  { name: "city", zh: "城市", en: "City" },
  { name: "county", zh: "区县", en: "County / district" },
  { name: "level", zh: "行政层级", en: "Administrative level" },
  { name: "year", zh: "报告年度", en: "Report year" },
  { name: "section", zh: "章节", en: "Report section" },
  { name: "kind", zh: "段落类型", en: "Passage kind" },
  { name: "topic", zh: "主题", en: "Topic" },
  { name: "flag", zh: "检查标记", en: "Check flag" },
  { name: "body", zh: "发布机关", en: "Issuing body" },
];
const FILTER_NAMES = [...FACETS.map((f) => f.name), "report_id"];

const VALUE_LABELS = {
  level: {
    province: ["省级", "Province"], city: ["市级", "City"], county: ["县级", "County"],
    district: ["区级", "District"], township: ["乡镇级", "Township"], department: ["部门", "Department"],
    unknown: ["未识别", "Unknown"],
  },
  section: {
    preamble: ["引言", "Preamble"],
    overview: ["一、总体情况", "1 Overview"],
    active_disclosure: ["二、主动公开", "2 Active disclosure"],
    applications: ["三、依申请公开", "3 Applications"],
    review_litigation: ["四、复议与诉讼", "4 Review and litigation"],
    problems_improvements: ["五、问题与改进", "5 Problems and improvements"],
    other_matters: ["六、其他事项", "6 Other matters"],
  },
  kind: {
    problem: ["存在问题", "Problem"], improvement: ["改进措施", "Improvement"], other: ["其他", "Other"],
  },
  flag: {
    has_error: ["报告有错误", "Report has an error"],
    has_warning: ["报告有警告", "Report has a warning"],
    contradicted_claim: ["文字与表格矛盾", "Prose contradicts a table"],
    boilerplate: ["套话", "Boilerplate"],
    copied_prev_year: ["照搬上年", "Copied from last year"],
    copied_neighbour: ["照搬同级机关", "Copied from a neighbour"],
    common_phrase: ["常见表述", "Common phrase"],
  },
  year: {},
};

const $ = (id) => document.getElementById(id);
let flagTitles = {}; // rule id → {zh, en}, from /api/facets
let requestSeq = 0;
let current = null; // {state, nextToken, shown}

// --- state ⇄ URL -------------------------------------------------------------------------------

function emptyState() {
  const filters = {};
  for (const name of FILTER_NAMES) filters[name] = [];
  return { q: "", sort: "relevance", filters };
}

function stateFromURL() {
  const params = new URLSearchParams(window.location.search);
  const state = emptyState();
  state.q = params.get("q") || "";
  const sort = params.get("sort");
  if (sort === "year" || sort === "region") state.sort = sort;
  for (const name of FILTER_NAMES) state.filters[name] = [...new Set(params.getAll(name))];
  return state;
}

function stateParams(state) {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  if (state.sort !== "relevance") params.set("sort", state.sort);
  for (const name of FILTER_NAMES) for (const value of state.filters[name]) params.append(name, value);
  return params;
}

function hasFilters(state) {
  return FILTER_NAMES.some((name) => state.filters[name].length > 0);
}

function isSearchable(state) {
  return state.q.trim() !== "" || hasFilters(state);
}

function writeURL(state, { push }) {
  const query = stateParams(state).toString();
  const url = window.location.pathname + (query ? "?" + query : "");
  if (url === window.location.pathname + window.location.search) return;
  if (push) window.history.pushState(null, "", url);
  else window.history.replaceState(null, "", url);
}

// --- labels ------------------------------------------------------------------------------------

function valueLabel(facet, value) {
  const key = String(value);
  const known = (VALUE_LABELS[facet] || {})[key];
  if (known) return { zh: known[0], en: known[1] };
  if (facet === "flag" && flagTitles[key]) return { zh: flagTitles[key].zh, en: `${key}: ${flagTitles[key].en}` };
  if (facet === "year") return { zh: `${key}年`, en: key };
  return { zh: key, en: key };
}

function facetMeta(name) {
  if (name === "report_id") return { name, zh: "报告", en: "Report id" };
  return FACETS.find((f) => f.name === name) || { name, zh: name, en: name };
}

// --- small DOM helpers ---------------------------------------------------------------------------

function el(tag, { cls, text, title, attrs } = {}) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (title) node.title = title;
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  return node;
}

const ENTITIES = { "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#x27;": "'", "&#39;": "'", "&amp;": "&" };

function decodeEntities(text) {
  return text.replace(/&(?:lt|gt|quot|amp|#x27|#39);/g, (m) => ENTITIES[m]);
}

// The server HTML-escapes passage text and adds only <mark>…</mark>; rebuild exactly that as nodes.
function appendHighlight(parent, highlight) {
  let inMark = false;
  for (const piece of String(highlight).split(/(<mark>|<\/mark>)/)) {
    if (piece === "<mark>") inMark = true;
    else if (piece === "</mark>") inMark = false;
    else if (piece) {
      const text = document.createTextNode(decodeEntities(piece));
      if (inMark) parent.appendChild(el("mark")).appendChild(text);
      else parent.appendChild(text);
    }
  }
}

function regionText(region) {
  const parts = [];
  for (const part of [region.province, region.city, region.county]) {
    if (part && !parts.includes(part)) parts.push(part);
  }
  return parts.join(" ");
}

function baseName(path) {
  return String(path).split(/[\\/]/).pop();
}

// --- rendering: hits ---------------------------------------------------------------------------

function badge(facet, value, cls) {
  const label = valueLabel(facet, value);
  return el("span", { cls: `badge ${cls}`, text: label.zh, title: `${facetMeta(facet).zh}：${label.zh}` });
}

function hitMeta(hit) {
  const meta = el("div", { cls: "hit-meta" });
  if (hit.section) meta.appendChild(badge("section", hit.section, "badge-section"));
  if (hit.kind && hit.kind !== "other") meta.appendChild(badge("kind", hit.kind, `badge-kind badge-${hit.kind}`));
  if (hit.year) meta.appendChild(el("span", { cls: "badge badge-year", text: `${hit.year}年`, title: `报告年度：${hit.year}年` }));
  for (const topic of hit.topics || []) meta.appendChild(badge("topic", topic, "badge-topic"));
  for (const flag of hit.flags || []) meta.appendChild(badge("flag", flag, "badge-flag"));
  return meta;
}

function hitSource(hit) {
  const source = el("p", { cls: "hit-source" });
  const body = hit.issuing_body || "（未识别发布机关）";
  source.appendChild(el("span", { cls: "hit-body", text: body, title: "发布机关" }));
  const region = regionText(hit.region || {});
  if (region) source.appendChild(el("span", { cls: "hit-region", text: region, title: "地区" }));
  source.appendChild(el("span", { cls: "hit-file", text: baseName(hit.source), title: "源文件" }));
  const link = el("a", { cls: "hit-report", text: "查看报告", title: "打开报告：三张表格、检查发现、正文" });
  // passage ids are "<report>-<ordinal>-<digest>" (indexer.documents.passage_id_of): open the report there
  const ordinal = /-(\d+)-[0-9a-f]+$/.exec(String(hit.passage_id || ""));
  link.href = `/report/${encodeURIComponent(hit.report_id)}` + (ordinal ? `#passage-${Number(ordinal[1])}` : "");
  source.appendChild(link);
  return source;
}

function renderHit(hit) {
  const item = el("li", { cls: "hit", attrs: { tabindex: "-1" } });
  item.appendChild(hitMeta(hit));
  const text = el("p", { cls: "hit-text" });
  appendHighlight(text, hit.highlight);
  item.appendChild(text);
  item.appendChild(hitSource(hit));
  return item;
}

// --- rendering: facets -------------------------------------------------------------------------

function facetButton(name, bucket, active) {
  const label = valueLabel(name, bucket.value);
  const button = el("button", {
    cls: "facet-value",
    title: `${facetMeta(name).zh}：${label.zh}` + (active ? "（再次点击取消）" : ""),
    attrs: { type: "button", "aria-pressed": String(active) },
  });
  button.appendChild(el("span", { cls: "facet-label", text: label.zh }));
  if (bucket.count !== null) button.appendChild(el("span", { cls: "count", text: bucket.count }));
  button.addEventListener("click", () => toggleFilter(name, String(bucket.value)));
  return button;
}

function facetBuckets(name, buckets, active) {
  const merged = buckets.map((b) => ({ value: b.value, count: b.count }));
  for (const value of active) {
    if (!merged.some((b) => String(b.value) === value)) merged.unshift({ value, count: null });
  }
  return merged;
}

function renderFacet(name, buckets) {
  const meta = facetMeta(name);
  const active = current.state.filters[name];
  const merged = facetBuckets(name, buckets || [], active);
  if (!merged.length) return null;
  const panel = el("section", { cls: "facet", attrs: { "aria-labelledby": `facet-${name}` } });
  const head = el("div", { cls: "facet-head" });
  head.appendChild(el("h3", { text: meta.zh, attrs: { id: `facet-${name}` } }));
  if (active.length) {
    const clear = el("button", { cls: "link-button", text: "清除", title: `清除“${meta.zh}”筛选`, attrs: { type: "button" } });
    clear.addEventListener("click", () => clearFilter(name));
    head.appendChild(clear);
  }
  panel.appendChild(head);
  const list = el("ul", { cls: "facet-values" });
  merged.forEach((bucket, i) => {
    const item = el("li");
    if (i >= FACET_VISIBLE && !active.includes(String(bucket.value))) item.className = "overflow";
    item.appendChild(facetButton(name, bucket, active.includes(String(bucket.value))));
    list.appendChild(item);
  });
  panel.appendChild(list);
  if (list.querySelector(".overflow")) panel.appendChild(moreToggle(list));
  return panel;
}

function moreToggle(list) {
  const toggle = el("button", { cls: "link-button", text: "更多…", title: "显示全部", attrs: { type: "button", "aria-expanded": "false" } });
  toggle.addEventListener("click", () => {
    const open = list.classList.toggle("expanded");
    toggle.textContent = open ? "收起" : "更多…";
    toggle.setAttribute("aria-expanded", String(open));
  });
  return toggle;
}

function renderFacets(facets) {
  const panels = $("facet-panels");
  panels.replaceChildren();
  for (const { name } of FACETS) {
    const panel = renderFacet(name, (facets || {})[name]);
    if (panel) panels.appendChild(panel);
  }
  renderActiveFilters();
}

function renderActiveFilters() {
  const box = $("active-filters");
  box.replaceChildren();
  const state = current ? current.state : stateFromURL();
  for (const name of FILTER_NAMES) {
    for (const value of state.filters[name]) {
      const label = valueLabel(name, value);
      const chip = el("button", {
        cls: "chip",
        title: `移除筛选 ${facetMeta(name).zh}：${label.zh}`,
        attrs: { type: "button", "aria-label": `移除筛选 ${facetMeta(name).zh}：${label.zh}` },
      });
      chip.appendChild(el("span", { text: `${facetMeta(name).zh}：${label.zh}` }));
      chip.appendChild(el("span", { cls: "chip-x", text: "×", attrs: { "aria-hidden": "true" } }));
      chip.addEventListener("click", () => toggleFilter(name, value));
      box.appendChild(chip);
    }
  }
  $("clear-all").hidden = !hasFilters(state);
  refreshToggle();
}

// --- messages ----------------------------------------------------------------------------------

function showError(error) {
  // a Chinese sentence; the server's code and message folded under 技术信息
  GR.showError($("error"), error, "检索出错");
}

function clearMessages() {
  $("error").hidden = true;
  $("empty").hidden = true;
}

function showEmpty(state) {
  const box = $("empty");
  box.replaceChildren();
  box.appendChild(el("p", { cls: "empty-title", text: "没有找到匹配的段落。" }));
  const tips = el("ul");
  if (state.q.includes('"')) tips.appendChild(el("li", { text: "去掉引号，让词语分开匹配。" }));
  if (/(^|\s)-\S/.test(state.q)) tips.appendChild(el("li", { text: "去掉排除词（以 - 开头的词）。" }));
  if (hasFilters(state)) tips.appendChild(el("li", { text: "清除部分筛选条件。" }));
  tips.appendChild(el("li", { text: "减少检索词，或换用同义说法（如“政策解读”/“解读”）。" }));
  box.appendChild(tips);
  box.hidden = false;
}

let indexYears = {}; // year → reports, from /api/stats, offered as a starting point before any search

function showIntro() {
  const box = $("empty");
  box.replaceChildren();
  box.appendChild(el("p", {
    cls: "empty-title",
    text: "输入检索词开始检索；也可以只在筛选栏中按地区、年度、章节、主题等筛选。",
  }));
  const years = Object.keys(indexYears).filter((y) => /^\d{4}$/.test(y)).sort().reverse();
  if (years.length) {
    const line = el("p", { cls: "intro-years", text: "或按报告年度浏览：" });
    for (const year of years) {
      const button = el("button", {
        cls: "link-button",
        text: `${year}年（${indexYears[year]} 份报告）`,
        title: `浏览 ${year} 年报告的段落`,
        attrs: { type: "button" },
      });
      button.addEventListener("click", () => toggleFilter("year", year));
      line.appendChild(button);
    }
    box.appendChild(line);
  }
  box.hidden = false;
  $("summary").textContent = "";
  $("hits").replaceChildren();
  $("more").hidden = true;
}

// --- searching ---------------------------------------------------------------------------------

function searchURL(state, token) {
  const params = stateParams(state);
  for (const { name } of FACETS) params.append("facet", name);
  params.set("page_size", String(PAGE_SIZE));
  if (token) params.set("page_token", token);
  return "/api/search?" + params.toString();
}

async function fetchJSON(url) {
  let response;
  try {
    response = await fetch(url, { headers: { Accept: "application/json" } });
  } catch (err) {
    return { ok: false, body: { error: { code: "network_error", message: "无法连接服务器" } } };
  }
  let body = null;
  try {
    body = await response.json();
  } catch (err) {
    body = { error: { code: `http_${response.status}`, message: response.statusText || "服务器返回了无法解析的内容" } };
  }
  return { ok: response.ok, body };
}

function setBusy(busy) {
  $("results").setAttribute("aria-busy", String(busy));
  $("more").disabled = busy;
}

async function runSearch(state, { append = false } = {}) {
  const seq = ++requestSeq;
  const token = append && current ? current.nextToken : null;
  setBusy(true);
  if (!append) $("summary").textContent = "检索中…";
  const { ok, body } = await fetchJSON(searchURL(state, token));
  if (seq !== requestSeq) return; // a newer search started meanwhile
  setBusy(false);
  clearMessages();
  if (!ok) {
    current = { state, nextToken: null, shown: append && current ? current.shown : 0 };
    if (!append) { $("hits").replaceChildren(); $("summary").textContent = ""; renderFacets({}); }
    $("more").hidden = true;
    showError(body.error || { code: "error", message: "未知错误" });
    return;
  }
  renderResult(state, body, { append });
}

function renderResult(state, result, { append }) {
  const shown = (append && current ? current.shown : 0) + result.hits.length;
  current = { state, nextToken: result.next_page_token, shown };
  const list = $("hits");
  if (!append) list.replaceChildren();
  const firstNew = list.children.length;
  for (const hit of result.hits) list.appendChild(renderHit(hit));
  if (!append) renderFacets(result.facets);
  $("summary").textContent = result.total ? `共 ${result.total} 个段落，已显示 ${shown} 个` : "";
  renderDownloads(state, result.total);
  if (!result.total) showEmpty(state);
  $("more").hidden = !result.next_page_token;
  if (append && list.children[firstNew]) list.children[firstNew].focus();
}

// --- downloads and the phone's filter toggle -------------------------------------------------------

let exportKinds = null;
let refreshToggle = () => {};

const REPORT_FILTERS = ["province", "city", "county", "level", "year", "body"];

function renderDownloads(state, total) {
  const box = $("downloads");
  if (!total || !exportKinds) {
    box.hidden = true;
    return;
  }
  if (exportKinds.has("search")) {
    GR.downloadBar(box, ["search"], stateParams(state));
  } else {
    // the server cannot export a search yet: offer the passages of the reports the filters name
    const params = new URLSearchParams();
    for (const name of REPORT_FILTERS) for (const v of state.filters[name]) params.append(name, v);
    GR.downloadBar(box, ["passages"], params);
  }
  box.hidden = false;
}

function activeFilterCount() {
  const state = current ? current.state : stateFromURL();
  return FILTER_NAMES.reduce((n, name) => n + state.filters[name].length, 0);
}

function startSearch(state, { push }) {
  writeURL(state, { push });
  syncForm(state);
  current = { state, nextToken: null, shown: 0 };
  renderActiveFilters();
  if (!isSearchable(state)) {
    requestSeq++;
    renderFacets({});
    clearMessages();
    showIntro();
    return;
  }
  runSearch(state);
}

function cloneState(state) {
  const copy = emptyState();
  copy.q = state.q;
  copy.sort = state.sort;
  for (const name of FILTER_NAMES) copy.filters[name] = [...state.filters[name]];
  return copy;
}

function formState() {
  const state = current ? cloneState(current.state) : emptyState();
  state.q = $("q").value.trim();
  state.sort = $("sort").value;
  return state;
}

function toggleFilter(name, value) {
  const state = formState();
  const values = state.filters[name];
  state.filters[name] = values.includes(value) ? values.filter((v) => v !== value) : [...values, value];
  startSearch(state, { push: true });
}

function clearFilter(name) {
  const state = formState();
  state.filters[name] = [];
  startSearch(state, { push: true });
}

function syncForm(state) {
  $("q").value = state.q;
  $("sort").value = state.sort;
}

// --- start -------------------------------------------------------------------------------------

async function loadStats() {
  const { ok, body } = await fetchJSON("/api/stats");
  if (!ok) return;
  const years = Object.keys(body.years || {}).filter((y) => y !== "unknown").sort();
  const span = years.length ? `，年度 ${years[0]}–${years[years.length - 1]}` : "";
  $("stats").textContent = `已收录 ${body.reports} 份报告、${body.passages} 个段落${span}`;

  indexYears = body.years || {};
}

async function loadFlagTitles() {
  const { ok, body } = await fetchJSON("/api/facets");
  if (ok && body.flag_titles) flagTitles = body.flag_titles;
}

function init() {
  $("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    startSearch(formState(), { push: true });
  });
  $("sort").addEventListener("change", () => {
    if (current && isSearchable(formState())) startSearch(formState(), { push: true });
  });
  $("more").addEventListener("click", () => {
    if (current && current.nextToken) runSearch(current.state, { append: true });
  });
  $("clear-all").addEventListener("click", () => {
    const state = formState();
    for (const name of FILTER_NAMES) state.filters[name] = [];
    startSearch(state, { push: true });
  });
  window.addEventListener("popstate", () => startSearch(stateFromURL(), { push: false }));
  refreshToggle = GR.setupFilterToggle($("filters-toggle"), $("facet-panels"), activeFilterCount);
  const kinds = GR.loadExportKinds().then((k) => { exportKinds = k; });
  Promise.allSettled([loadStats(), loadFlagTitles(), kinds]).then(() => startSearch(stateFromURL(), { push: false }));
}

document.addEventListener("DOMContentLoaded", init);
