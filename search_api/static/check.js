// The check-a-file page (/check): upload one report (POST /api/check, field `file`), show its findings,
// tables and claims at once. Nothing is indexed.
"use strict";

(() => {
  const { $, el, L, fetchJSON, showError, regionText, levelLabel, loadRuleTitles } = GR;

  function passagesOf(report) {
    const out = [];
    for (const section of report.sections || []) {
      for (const p of section.passages || []) {
        out.push({ ordinal: out.length, section: section.key, kind: p.kind, marker: p.marker, text: p.text, span: p.span });
      }
    }
    return out;
  }

  function addMeta(dl, term, value) {
    if (value === null || value === undefined || value === "") return;
    dl.appendChild(el("dt", { text: term }));
    dl.appendChild(el("dd", { text: value }));
  }

  function render(body) {
    const report = body.report;
    const meta = report.meta || {};
    const region = meta.region || {};
    const dl = $("meta-list");
    dl.replaceChildren();
    addMeta(dl, "文件", body.source);
    addMeta(dl, "标题", report.title);
    addMeta(dl, "发布机关", meta.issuing_body || report.issuing_body || "（未识别）");
    addMeta(dl, "地区", regionText(region) || "（未识别）");
    addMeta(dl, "行政层级", levelLabel(meta.level));
    addMeta(dl, "报告年度", report.year ? `${report.year} 年` : "（未识别）");
    addMeta(dl, "表格格式", L.formats[report.format] || null);
    const sev = body.findings_by_severity || {};
    const findings = body.findings || [];
    const claims = body.claims || [];
    $("findings-summary").textContent = findings.length
      ? `共 ${findings.length} 项：错误 ${sev.error || 0}，警告 ${sev.warning || 0}，提示 ${sev.info || 0}。`
      : "没有发现问题。";
    const ctx = ReportView.indexCells(findings, claims);
    ReportView.renderFindings($("findings"), findings, passagesOf(report));
    ReportView.renderTables($("tables"), report.tables, ctx);
    ReportView.renderPassages($("passages"), passagesOf(report), claims);
    ReportView.renderProblems($("problems"), report.problems);
    $("problems-block").hidden = !(report.problems || []).length;
    $("result").hidden = false;
  }

  // The uploaded file is not indexed, so its downloads are made here: the findings as CSV (the columns of
  // GET /api/export?what=findings that apply) and the whole answer as JSON.
  function csvField(value) {
    const text = value === null || value === undefined ? "" : String(value);
    return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  }

  function findingsCSV(body) {
    const columns = ["source", "rule", "severity", "message_zh", "message_en", "cells", "line", "page", "text", "correction"];
    const lines = [columns.join(",")];
    for (const f of body.findings || []) {
      const cells = (f.cells || []).map((c) => `${c.table}.${c.row}.${c.column}`).join(";");
      const first = (f.cells || [])[0] || {};
      const line = f.span ? f.span.line : first.line;
      const page = f.span ? f.span.page : first.page;
      const row = [body.source, f.rule, f.severity, f.message_zh, f.message_en, cells, line, page, f.text, f.correction];
      lines.push(row.map(csvField).join(","));
    }
    return "\ufeff" + lines.join("\r\n") + "\r\n";
  }

  let blobURLs = [];

  function downloads(body) {
    const box = $("check-downloads");
    box.replaceChildren();
    for (const url of blobURLs) URL.revokeObjectURL(url);
    blobURLs = [];
    const stem = String(body.source || "report").replace(/\.[^.]+$/, "");
    const files = [
      ["检查发现 CSV", `${stem}-findings.csv`, new Blob([findingsCSV(body)], { type: "text/csv;charset=utf-8" }), "findings-csv"],
      ["完整结果 JSON", `${stem}-check.json`, new Blob([JSON.stringify(body, null, 2)], { type: "application/json" }), "json"],
    ];
    box.appendChild(el("span", { cls: "download-label", text: "下载：" }));
    for (const [text, name, blob, cls] of files) {
      const url = URL.createObjectURL(blob);
      blobURLs.push(url);
      const a = GR.link(url, text, { cls: `download download-check-${cls}` });
      a.setAttribute("download", name);
      box.appendChild(a);
    }
  }

  async function check(file) {
    if (!file) {
      $("status").textContent = "请先选择一个文件。";
      return;
    }
    $("error").hidden = true;
    $("result").hidden = true;
    $("file-name").textContent = file.name;
    $("status").textContent = `正在检查“${file.name}”…`;
    document.body.dataset.ready = "false";
    const form = new FormData();
    form.append("file", file, file.name);
    await loadRuleTitles();
    const { ok, body } = await fetchJSON("/api/check", { method: "POST", body: form });
    if (!ok) {
      $("status").textContent = "";
      showError($("error"), body.error, `无法检查“${file.name}”`);
      document.body.dataset.ready = "true";
      return;
    }
    $("status").textContent = `“${file.name}”检查完毕。`;
    render(body);
    downloads(body);
    document.body.dataset.ready = "true";
  }

  function init() {
    const input = $("file");
    const zone = $("dropzone");
    $("check-form").addEventListener("submit", (event) => {
      event.preventDefault();
      check(input.files[0]);
    });
    input.addEventListener("change", () => check(input.files[0]));
    for (const name of ["dragenter", "dragover"]) {
      zone.addEventListener(name, (event) => {
        event.preventDefault();
        zone.classList.add("dragging");
      });
    }
    for (const name of ["dragleave", "drop"]) zone.addEventListener(name, () => zone.classList.remove("dragging"));
    zone.addEventListener("drop", (event) => {
      event.preventDefault();
      const file = event.dataTransfer && event.dataTransfer.files[0];
      if (file) check(file);
    });
  }

  document.addEventListener("DOMContentLoaded", init);
})();
