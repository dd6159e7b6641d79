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
    ReportView.renderFindings($("findings"), findings);
    ReportView.renderTables($("tables"), report.tables, ctx);
    ReportView.renderPassages($("passages"), passagesOf(report), claims);
    ReportView.renderProblems($("problems"), report.problems);
    $("problems-block").hidden = !(report.problems || []).length;
    $("result").hidden = false;
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
