// The charts page (/charts), drawn with ECharts (static/vendor/echarts, shipped with the package):
// applications and how they ended per body and year (stacked bars), one body's years (trend), findings by
// rule and by region, topics across bodies (heat map). The URL's province/year/body narrow every chart.
"use strict";

(() => {

  // topic names under a heat map: slanted on a wide screen, upright and cut short on a phone
  function topicAxisLabel() {
    return window.matchMedia("(max-width: 760px)").matches
      ? { interval: 0, rotate: 90, width: 96, overflow: "truncate", fontSize: 11 }
      : { interval: 0, rotate: 30 };
  }
  const { $, el, L, fetchJSON, showError } = GR;
  const FILTERS = ["province", "city", "county", "level", "year", "body"];
  const OUTCOME_COLORS = {
    granted: "#2f7d4f", partially_granted: "#7cbf8e", denied: "#c0392b", unable: "#e39a3b", rejected: "#8e6bbf", other: "#8c959f",
  };
  const charts = [];

  function params() {
    const url = new URLSearchParams(window.location.search);
    const out = new URLSearchParams();
    for (const name of FILTERS) for (const v of url.getAll(name)) if (v) out.append(name, v);
    return out;
  }

  function makeChart(id) {
    const chart = echarts.init($(id), null, { renderer: "svg", locale: "ZH" });
    charts.push(chart);
    return chart;
  }

  function empty(id, text) {
    const box = $(id);
    box.replaceChildren(el("p", { cls: "muted", text }));
    box.style.height = "auto";
  }

  function fill(select, values, current, label) {
    for (const v of values) {
      const option = el("option", { text: label ? label(v) : v, attrs: { value: v } });
      if (v === current) option.selected = true;
      select.appendChild(option);
    }
  }

  async function loadFilterChoices(current) {
    const { ok, body } = await fetchJSON("/api/reports?page_size=1");
    if (!ok) return;
    const f = body.facets || {};
    fill($("f-province"), (f.province || []).map((b) => String(b.value)), current.get("province"));
    fill($("f-year"), (f.year || []).map((b) => String(b.value)).sort().reverse(), current.get("year"), (v) => `${v}年`);
    fill($("f-body"), (f.body || []).map((b) => String(b.value)).sort(), current.get("body"));
  }

  function label(row) {
    return `${row.year || "？"}年 ${row.issuing_body || "（未识别机关）"}`;
  }

  // room for category labels: at most 40% of the chart's width
  function labelWidth(id) {
    return Math.max(80, Math.min(200, Math.round($(id).clientWidth * 0.4)));
  }

  function narrow() {
    return window.matchMedia("(max-width: 760px)").matches;
  }

  // --- applications: stacked bars, one per report -----------------------------------------------------

  let applicationsPlot = null;
  let shareDecided = false;

  function applicationsChart(rows) {
    const shown = rows.filter((r) => r.received !== null || Object.values(r.outcomes).some((v) => v !== null));
    if (!shown.length) {
      empty("chart-applications", "所选报告的表三没有可用的数字。");
      return;
    }
    if (!shareDecided) {
      // one body's thousands would flatten everyone else's tens: then start with shares
      shareDecided = true;
      const sums = shown.map((r) => Object.values(r.outcomes).reduce((n, v) => n + (v || 0), 0)).filter((v) => v > 0).sort((a, b) => a - b);
      const median = sums.length ? sums[Math.floor(sums.length / 2)] : 0;
      if (sums.length > 2 && sums[sums.length - 1] > 20 * Math.max(median, 1)) $("apps-share").checked = true;
    }
    const share = $("apps-share").checked;
    $("chart-applications").style.height = `${Math.max(360, shown.length * 26 + 110)}px`;
    if (!applicationsPlot) applicationsPlot = makeChart("chart-applications");
    else applicationsPlot.resize();
    const chart = applicationsPlot;
    const groups = Object.keys(L.outcomeGroups);
    const sums = shown.map((r) => groups.reduce((n, g) => n + (r.outcomes[g] || 0), 0));
    const scaled = (v, i) => (share ? (sums[i] ? Math.round((1000 * (v || 0)) / sums[i]) / 10 : 0) : v === null ? 0 : v);
    const series = groups.map((g) => ({
      name: L.outcomeGroups[g], type: "bar", stack: "outcomes", itemStyle: { color: OUTCOME_COLORS[g] },
      emphasis: { focus: "series" }, data: shown.map((r, i) => scaled(r.outcomes[g], i)),
    }));
    if (!share) {
      series.push({
        name: "本年新收申请", type: "scatter", symbol: "circle", symbolSize: 8, itemStyle: { color: "#1f2328" },
        data: shown.map((r) => r.received),
      });
    }
    chart.setOption({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
      xAxis: share ? { type: "value", name: "%", max: 100 } : { type: "value", name: "件", minInterval: 1, splitNumber: narrow() ? 3 : 5 },
      yAxis: {
        type: "category", inverse: true, data: shown.map(label),
        axisLabel: { width: labelWidth("chart-applications"), overflow: "truncate" },
      },
      series,
    }, true);
    chart.off("click");
    chart.on("click", (event) => {
      const row = shown[event.dataIndex];
      if (row) window.location.href = GR.reportHref(row.report_id, "title-applications");
    });
    applicationsTable(shown);
  }

  function applicationsTable(rows) {
    const table = el("table", { cls: "result-table" });
    const head = el("tr");
    for (const h of ["机关与年度", "本年新收", "上年结转", ...Object.values(L.outcomeGroups), "办理总计", "结转下年度"]) head.appendChild(el("th", { text: h }));
    table.appendChild(el("thead")).appendChild(head);
    const body = el("tbody");
    const show = (v) => (v === null || v === undefined ? "—" : String(v));
    for (const r of rows) {
      const tr = el("tr");
      const cell = el("td");
      cell.appendChild(GR.link(GR.reportHref(r.report_id), label(r)));
      tr.appendChild(cell);
      for (const v of [r.received, r.carried_over, ...Object.keys(L.outcomeGroups).map((g) => r.outcomes[g]), r.handled_total, r.carried_forward]) {
        tr.appendChild(el("td", { cls: "num", text: show(v) }));
      }
      body.appendChild(tr);
    }
    table.appendChild(body);
    $("table-applications").replaceChildren(table);
  }

  // --- one body's years --------------------------------------------------------------------------------

  let trendChart = null;

  function trend(rows, body) {
    const own = rows.filter((r) => r.issuing_body === body && r.year).sort((a, b) => a.year - b.year);
    if (!trendChart) trendChart = makeChart("chart-trend");
    const years = own.map((r) => `${r.year}年`);
    const line = (name, pick, color) => ({ name, type: "line", data: own.map(pick), connectNulls: false, itemStyle: { color }, symbolSize: 8 });
    trendChart.setOption({
      tooltip: { trigger: "axis" },
      legend: { bottom: 0, type: "scroll" },
      grid: { left: 8, right: 16, top: 36, bottom: 36, containLabel: true },
      xAxis: { type: "category", data: years },
      yAxis: [{ type: "value", name: "件", minInterval: 1 }, { type: "value", name: "检查发现", minInterval: 1, splitLine: { show: false } }],
      series: [
        line("本年新收申请", (r) => r.received, "#0b5cad"),
        line("予以公开", (r) => r.outcomes.granted, "#2f7d4f"),
        line("办理总计", (r) => r.handled_total, "#57606a"),
        line("结转下年度", (r) => r.carried_forward, "#e39a3b"),
        { name: "错误", type: "bar", yAxisIndex: 1, barMaxWidth: 18, itemStyle: { color: "#c0392b" }, data: own.map((r) => r.errors) },
        { name: "警告", type: "bar", yAxisIndex: 1, barMaxWidth: 18, itemStyle: { color: "#bf8700" }, data: own.map((r) => r.warnings) },
      ],
    }, true);
    trendChart.off("click");
    trendChart.on("click", (event) => {
      const row = own[event.dataIndex];
      if (row) window.location.href = GR.reportHref(row.report_id);
    });
  }

  function setupTrend(rows, preferred) {
    const years = new Map();
    for (const r of rows) if (r.issuing_body) years.set(r.issuing_body, (years.get(r.issuing_body) || 0) + 1);
    const bodies = [...years.keys()].sort((a, b) => years.get(b) - years.get(a) || a.localeCompare(b, "zh"));
    const select = $("trend-body");
    select.replaceChildren();
    if (!bodies.length) {
      empty("chart-trend", "没有可用的机关。");
      return;
    }
    fill(select, bodies, preferred && years.has(preferred) ? preferred : bodies[0], (b) => `${b}（${years.get(b)} 年）`);
    select.addEventListener("change", () => trend(rows, select.value));
    trend(rows, select.value);
  }

  // --- findings by rule and by region -------------------------------------------------------------------

  function barChart(id, buckets, name, onClick) {
    if (!buckets.length) {
      empty(id, "没有检查发现。");
      return;
    }
    const chart = makeChart(id);
    chart.setOption({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1, name: "项" },
      yAxis: { type: "category", inverse: true, data: buckets.map((b) => b.label), axisLabel: { width: labelWidth(id), overflow: "truncate" } },
      series: [{ name, type: "bar", data: buckets.map((b) => b.count), itemStyle: { color: "#0b5cad" }, label: { show: true, position: "right" } }],
    });
    chart.on("click", (event) => onClick(buckets[event.dataIndex]));
  }

  async function findingCharts(filters) {
    const query = new URLSearchParams(filters);
    query.set("page_size", "1");
    const { ok, body } = await fetchJSON(`/api/findings?${query}`);
    if (!ok) {
      showError($("error"), body.error, "无法读取检查发现");
      return;
    }
    const facets = body.facets || {};
    const toFindings = (name, value) => {
      const next = new URLSearchParams(filters);
      next.append(name, value);
      window.location.href = `/findings?${next}`;
    };
    const rules = (facets.rule || []).map((b) => ({ value: String(b.value), count: b.count, label: GR.ruleTitle(b.value) }));
    barChart("chart-rules", rules, "检查发现", (b) => toFindings("rule", b.value));
    const regionFacet = filters.getAll("province").length ? ((facets.county || []).length ? "county" : "city") : "province";
    const regions = (facets[regionFacet] || []).map((b) => ({ value: String(b.value), count: b.count, label: String(b.value) }));
    barChart("chart-regions", regions, "检查发现", (b) => toFindings(regionFacet, b.value));
  }

  // --- topics across bodies -------------------------------------------------------------------------------

  let topicsChart = null;

  async function topics(filters) {
    const query = new URLSearchParams(filters);
    const kind = $("topics-kind").value;
    if (kind) query.set("kind", kind);
    const { ok, body } = await fetchJSON(`/api/charts/topics?${query}`);
    if (!ok) {
      showError($("error"), body.error, "无法读取主题统计");
      return;
    }
    if (!body.bodies.length || !body.topics.length) {
      empty("chart-topics", "没有可统计的段落。");
      return;
    }
    $("chart-topics").style.height = `${Math.max(320, body.bodies.length * 30 + 120)}px`;
    if (!topicsChart) topicsChart = makeChart("chart-topics");
    else topicsChart.resize();
    const data = [];
    let max = 1;
    body.counts.forEach((row, i) => row.forEach((count, j) => {
      data.push([j, i, count]);
      max = Math.max(max, count);
    }));
    topicsChart.setOption({
      tooltip: { formatter: (p) => `${body.bodies[p.value[1]]}<br>${body.topics[p.value[0]]}：${p.value[2]} 个段落` },
      grid: { left: 8, right: 16, top: 8, bottom: 64, containLabel: true },
      xAxis: { type: "category", data: body.topics, axisLabel: topicAxisLabel(), splitArea: { show: true } },
      yAxis: { type: "category", data: body.bodies, inverse: true, axisLabel: { width: labelWidth("chart-topics"), overflow: "truncate" } },
      visualMap: { min: 0, max, calculable: true, orient: "horizontal", left: "center", bottom: 0, itemHeight: 120, inRange: { color: ["#f4f8fc", "#0b5cad"] } },
      series: [{ name: "段落数", type: "heatmap", data, label: { show: true }, emphasis: { itemStyle: { borderColor: "#1f2328", borderWidth: 1 } } }],
    }, true);
    topicsChart.off("click");
    topicsChart.on("click", (event) => {
      const next = new URLSearchParams();
      next.set("body", body.bodies[event.value[1]]);
      next.set("topic", body.topics[event.value[0]]);
      if (kind) next.set("kind", kind);
      window.location.href = `/?${next}`;
    });
  }

  async function init() {
    const filters = params();
    GR.downloadBar($("downloads"), ["reports", "cells", "findings"], filters);
    if (typeof echarts === "undefined") {
      showError($("error"), { code: "charts_unavailable", message: "echarts.min.js" }, "图表组件未能加载");
      return;
    }
    await Promise.all([GR.loadRuleTitles(), loadFilterChoices(filters)]);
    const { ok, body } = await fetchJSON(`/api/charts/applications?${filters}`);
    if (!ok) showError($("error"), body.error, "无法读取表三数据");
    else {
      applicationsChart(body.rows);
      $("apps-share").addEventListener("change", () => applicationsChart(body.rows));
      setupTrend(body.rows, filters.get("body"));
    }
    $("topics-kind").addEventListener("change", () => topics(filters));
    await Promise.all([findingCharts(filters), topics(filters)]);
    window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
    document.body.dataset.ready = "true";
  }

  document.addEventListener("DOMContentLoaded", init);
})();
