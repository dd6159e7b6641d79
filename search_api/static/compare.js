// The comparison page (/compare), from GET /api/compare: the body × topic matrix as a heat map whose cells
// open their passages, near-copies side by side with the shared text highlighted, one body's years.
"use strict";

(() => {

  // topic names under a heat map: slanted on a wide screen, upright and cut short on a phone
  function topicAxisLabel() {
    return window.matchMedia("(max-width: 760px)").matches
      ? { interval: 0, rotate: 90, width: 96, overflow: "truncate", fontSize: 11 }
      : { interval: 0, rotate: 30 };
  }
  const { $, el, link, L, fetchJSON, showError } = GR;
  const FILTERS = ["province", "city", "county", "level", "year", "body"];
  const COPY_KINDS = {
    copied_prev_year: { zh: "照搬本机关上年", hint: "同一机关较早年度的报告几乎一样" },
    copied_neighbour: { zh: "照搬同级机关", hint: "同一城市另一机关同一年度的报告几乎一样" },
    common_phrase: { zh: "常见套话", hint: "许多机关共用的模板表述，不算照搬" },
  };
  let data = null;
  let charts = [];

  function urlParams() {
    return new URLSearchParams(window.location.search);
  }

  function bodyName(b) {
    return b.name || GR.regionText(b) || "（未识别机关）";
  }

  function fill(select, values, current, label) {
    for (const v of values) {
      const option = el("option", { text: label ? label(v) : v, attrs: { value: v } });
      if (v === current) option.selected = true;
      select.appendChild(option);
    }
  }

  async function loadChoices(params) {
    $("f-kind").value = params.get("kind") || "improvement";
    const { ok, body } = await fetchJSON("/api/reports?page_size=1");
    if (!ok) return;
    const f = body.facets || {};
    fill($("f-province"), (f.province || []).map((b) => String(b.value)), params.get("province"));
    fill($("f-city"), (f.city || []).map((b) => String(b.value)), params.get("city"));
    fill($("f-year"), (f.year || []).map((b) => String(b.value)).sort().reverse(), params.get("year"), (v) => `${v}年`);
    fill($("f-body"), (f.body || []).map((b) => String(b.value)).sort(), params.get("body"));
  }

  function passageHref(p) {
    return GR.reportHref(p.report_id, `passage-${p.ordinal}`);
  }

  // --- the matrix ---------------------------------------------------------------------------------------

  function cellOf(bodyIndex, topic) {
    return data.cells.find((c) => c.body === bodyIndex && c.topic === topic) || null;
  }

  function showCell(bodyIndex, topic) {
    const box = $("cell-passages");
    const cell = cellOf(bodyIndex, topic);
    const body = data.bodies[bodyIndex];
    box.replaceChildren();
    box.appendChild(el("h3", { text: `${bodyName(body)} · ${topic}` }));
    if (!cell) {
      box.appendChild(el("p", { cls: "muted", text: "这个机关没有写这个主题的段落。" }));
    } else {
      const years = cell.by_year.map((y) => `${y.year || "年度未识别"}：${y.count} 段`).join("；");
      box.appendChild(el("p", { cls: "muted", text: `共 ${cell.count} 段（${years}）${cell.passages.length < cell.count ? `，列出前 ${cell.passages.length} 段` : ""}` }));
      const list = el("ol", { cls: "passages cell-passage-list" });
      for (const p of cell.passages) {
        const item = el("li", { cls: "passage" });
        const meta = el("p", { cls: "passage-meta" });
        meta.appendChild(el("span", { cls: "badge badge-year", text: p.year ? `${p.year}年` : "年度未识别" }));
        meta.appendChild(el("span", { cls: `badge badge-${p.kind}`, text: L.kinds[p.kind] || "" }));
        meta.appendChild(link(passageHref(p), `在报告中查看（原文第 ${p.line} 行）`));
        item.appendChild(meta);
        item.appendChild(el("p", { cls: "passage-text", text: p.text }));
        list.appendChild(item);
      }
      box.appendChild(list);
      const search = new URLSearchParams();
      if (body.name) search.set("body", body.name);
      search.set("topic", topic);
      search.set("section", "problems_improvements");
      box.appendChild(link(`/?${search}`, "在段落检索中查看全部"));
    }
    box.hidden = false;
    box.focus({ preventScroll: true });
    box.scrollIntoView({ block: "nearest" });
  }

  function matrixChart() {
    const box = $("chart-matrix");
    if (!data.bodies.length || !data.topics.length) {
      box.replaceChildren(el("p", { cls: "muted", text: "没有可比较的段落。" }));
      box.style.height = "auto";
      return;
    }
    box.style.height = `${Math.max(320, data.bodies.length * 30 + 130)}px`;
    const chart = echarts.init(box, null, { renderer: "svg", locale: "ZH" });
    charts.push(chart);
    let max = 1;
    const points = data.cells.map((c) => {
      max = Math.max(max, c.count);
      return [data.topics.indexOf(c.topic), c.body, c.count];
    });
    const width = Math.max(80, Math.min(200, Math.round(box.clientWidth * 0.4)));
    chart.setOption({
      tooltip: { formatter: (p) => `${bodyName(data.bodies[p.value[1]])}<br>${data.topics[p.value[0]]}：${p.value[2]} 段` },
      grid: { left: 8, right: 16, top: 8, bottom: 64, containLabel: true },
      xAxis: { type: "category", data: data.topics, axisLabel: topicAxisLabel(), splitArea: { show: true } },
      yAxis: { type: "category", data: data.bodies.map(bodyName), inverse: true, axisLabel: { width, overflow: "truncate" } },
      visualMap: { min: 0, max, calculable: true, orient: "horizontal", left: "center", bottom: 0, itemHeight: 120, inRange: { color: ["#fdf3e1", "#c0392b"] } },
      series: [{ name: "段落数", type: "heatmap", data: points, label: { show: true }, emphasis: { itemStyle: { borderColor: "#1f2328", borderWidth: 1 } } }],
    });
    chart.on("click", (event) => showCell(event.value[1], data.topics[event.value[0]]));
  }

  function matrixTable() {
    const table = el("table", { cls: "result-table matrix-table" });
    const head = el("tr");
    head.appendChild(el("th", { text: "机关" }));
    for (const t of data.topics) head.appendChild(el("th", { text: t, attrs: { scope: "col" } }));
    table.appendChild(el("thead")).appendChild(head);
    const tbody = el("tbody");
    data.bodies.forEach((b, i) => {
      const tr = el("tr");
      tr.appendChild(el("th", { text: `${bodyName(b)}（${b.years.join("、") || "年度未识别"}）`, attrs: { scope: "row" } }));
      for (const t of data.topics) {
        const td = el("td", { cls: "num" });
        const cell = cellOf(i, t);
        if (cell) {
          const button = el("button", { cls: "link-button matrix-cell", text: cell.count, attrs: { type: "button", "aria-label": `${bodyName(b)} · ${t}：${cell.count} 段` } });
          button.addEventListener("click", () => showCell(i, t));
          td.appendChild(button);
        }
        tr.appendChild(td);
      }
      tbody.appendChild(tr);
    });
    table.appendChild(tbody);
    $("matrix-table").replaceChildren(table);
  }

  // --- near-copies ----------------------------------------------------------------------------------------

  function sharedText(parent, text, spans) {
    let at = 0;
    const ordered = [...(spans || [])].sort((a, b) => a.start - b.start);
    for (const s of ordered) {
      if (s.start < at) continue;
      if (s.start > at) parent.appendChild(document.createTextNode(text.slice(at, s.start)));
      parent.appendChild(el("mark", { cls: "shared", text: text.slice(s.start, s.end) }));
      at = s.end;
    }
    if (at < text.length) parent.appendChild(document.createTextNode(text.slice(at)));
  }

  function side(s) {
    const box = el("div", { cls: "pair-side" });
    const head = el("h4");
    head.appendChild(link(passageHref(s), `${s.issuing_body || bodyName(data.bodies[s.body] || {})} ${s.year ? `${s.year}年` : ""}`));
    box.appendChild(head);
    box.appendChild(el("p", { cls: "muted pair-where", text: `${GR.baseName(s.source)}，原文第 ${s.line} 行` }));
    const p = el("p", { cls: "pair-text" });
    sharedText(p, s.text, s.shared_spans);
    box.appendChild(p);
    return box;
  }

  function pairItem(pair) {
    const item = el("li", { cls: `pair pair-${pair.kind}` });
    const head = el("p", { cls: "pair-head" });
    const kind = COPY_KINDS[pair.kind] || { zh: "相似", hint: "" };
    head.appendChild(el("span", { cls: `badge badge-flag`, text: kind.zh, title: kind.hint }));
    head.appendChild(el("span", { text: `相似度 ${Math.round(pair.score)}%` }));
    if (pair.spread > 1) head.appendChild(el("span", { cls: "muted", text: `共 ${pair.spread} 个机关有相似段落` }));
    item.appendChild(head);
    const sides = el("div", { cls: "pair-sides" });
    sides.append(side(pair.a), side(pair.b));
    item.appendChild(sides);
    return item;
  }

  let shownKind = null;
  let showAll = false;
  const PAIRS_SHOWN = 10;

  function renderPairs() {
    const counts = {};
    for (const p of data.near_copies) counts[p.kind] = (counts[p.kind] || 0) + 1;
    const bar = $("copy-kinds");
    bar.replaceChildren();
    const kinds = Object.keys(COPY_KINDS).filter((k) => counts[k]);
    if (shownKind && !counts[shownKind]) shownKind = null;
    for (const k of [null, ...kinds]) {
      const button = el("button", {
        cls: `chip-count${k === shownKind ? " on" : ""}`,
        attrs: { type: "button", "aria-pressed": String(k === shownKind), "data-kind": k || "all" },
      });
      button.appendChild(el("span", { text: k ? COPY_KINDS[k].zh : "全部" }));
      button.appendChild(el("span", { cls: "count", text: ` ${k ? counts[k] : data.near_copies.length}` }));
      button.addEventListener("click", () => { shownKind = k; showAll = false; renderPairs(); });
      bar.appendChild(button);
    }
    const list = $("pairs");
    list.replaceChildren();
    const pairs = data.near_copies.filter((pair) => !shownKind || pair.kind === shownKind);
    pairs.slice(0, showAll ? pairs.length : PAIRS_SHOWN).forEach((pair) => list.appendChild(pairItem(pair)));
    if (!showAll && pairs.length > PAIRS_SHOWN) {
      const more = el("li");
      const button = el("button", { cls: "button", text: `显示全部 ${pairs.length} 对`, attrs: { type: "button" } });
      button.addEventListener("click", () => { showAll = true; renderPairs(); });
      more.appendChild(button);
      list.appendChild(more);
    }
    if (!data.near_copies.length) list.appendChild(el("li", { cls: "muted", text: "没有发现几乎相同的段落。" }));
    else if (data.near_copies_total > data.near_copies.length) {
      list.appendChild(el("li", { cls: "muted", text: `另有 ${data.near_copies_total - data.near_copies.length} 对较弱的相似段落未列出。` }));
    }
  }

  // --- one body's years -------------------------------------------------------------------------------------

  let yearsChart = null;

  function renderYears(bodyIndex) {
    const body = data.bodies[bodyIndex];
    const years = body.years;
    const cells = data.cells.filter((c) => c.body === bodyIndex);
    if (!yearsChart) {
      yearsChart = echarts.init($("chart-years"), null, { renderer: "svg", locale: "ZH" });
      charts.push(yearsChart);
    }
    const series = cells.map((c) => ({
      name: c.topic, type: "bar", stack: "topics", emphasis: { focus: "series" },
      data: years.map((y) => (c.by_year.find((b) => b.year === y) || { count: 0 }).count),
    }));
    yearsChart.setOption({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { bottom: 0, type: "scroll" },
      grid: { left: 8, right: 16, top: 16, bottom: 40, containLabel: true },
      xAxis: { type: "category", data: years.map((y) => `${y}年`) },
      yAxis: { type: "value", name: "段", minInterval: 1 },
      series,
    }, true);
    const box = $("year-pairs");
    box.replaceChildren();
    const own = data.near_copies.filter((p) => p.kind === "copied_prev_year" && (p.a.body === bodyIndex || p.b.body === bodyIndex));
    box.appendChild(el("h3", { text: own.length ? `与本机关上年几乎相同的段落（${own.length} 对）` : "没有发现与本机关上年几乎相同的段落。" }));
    if (own.length) {
      const list = el("ol", { cls: "pairs" });
      for (const pair of own) list.appendChild(pairItem(pair));
      box.appendChild(list);
    }
  }

  function setupYears(params) {
    const select = $("year-body");
    select.replaceChildren();
    const order = data.bodies.map((b, i) => i).sort((a, b) => data.bodies[b].years.length - data.bodies[a].years.length || a - b);
    if (!order.length) return;
    const wanted = params.get("focus");
    for (const i of order) {
      const b = data.bodies[i];
      const option = el("option", { text: `${bodyName(b)}（${b.years.length} 年）`, attrs: { value: String(i) } });
      if (wanted && (b.name === wanted || b.key === wanted)) option.selected = true;
      select.appendChild(option);
    }
    select.addEventListener("change", () => renderYears(Number(select.value)));
    renderYears(Number(select.value));
  }

  async function init() {
    const params = urlParams();
    const query = new URLSearchParams();
    for (const name of FILTERS) for (const v of params.getAll(name)) if (v) query.append(name, v);
    const kind = params.get("kind");
    GR.downloadBar($("downloads"), ["passages"], query);
    if (kind === "problem" || kind === "all") query.set("kind", kind);
    await loadChoices(params);
    const { ok, body } = await fetchJSON(`/api/compare?${query}`);
    if (!ok) {
      $("summary").textContent = "";
      showError($("error"), body.error, "无法比较");
      return;
    }
    data = body;
    const kindText = { improvement: "改进措施", problem: "存在问题", all: "问题与改进" }[data.kind] || "";
    $("summary").textContent = `比较了 ${data.reports_compared} 份报告（共 ${data.reports_total} 份符合条件）中 ${data.bodies.length} 个机关的${kindText}段落，发现 ${data.near_copies_total} 对几乎相同的段落。`
      + (data.reports_without_detail ? `另有 ${data.reports_without_detail} 份报告入库较早，需重新入库才能比较。` : "");
    if (typeof echarts !== "undefined") matrixChart();
    else $("matrix-table-box").open = true;
    matrixTable();
    renderPairs();
    if (typeof echarts !== "undefined") setupYears(params);
    window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
    document.body.dataset.ready = "true";
  }

  document.addEventListener("DOMContentLoaded", init);
})();
