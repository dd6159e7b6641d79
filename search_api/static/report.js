// The report page (/report/{id}): metadata, findings, the three tables as printed, passages with claims.
"use strict";

(() => {
  const { $, el, link, L, fetchJSON, showError, regionText, baseName, levelLabel, downloadBar, loadRuleTitles, ruleTitle } = GR;

  function reportId() {
    const parts = window.location.pathname.split("/").filter(Boolean);
    return parts.length >= 2 ? decodeURIComponent(parts.slice(1).join("/")) : "";
  }

  function addMeta(dl, term, value, opts = {}) {
    if (value === null || value === undefined || value === "") return;
    dl.appendChild(el("dt", { text: term }));
    const dd = el("dd", opts);
    if (value instanceof Node) dd.appendChild(value);
    else dd.textContent = String(value);
    dl.appendChild(dd);
  }

  function renderMeta(r) {
    const title = r.title || r.issuing_body || "报告详情";
    $("report-title").textContent = title;
    document.title = `${title} · 政府信息公开工作年度报告`;
    const dl = $("meta-list");
    dl.replaceChildren();
    addMeta(dl, "发布机关", r.issuing_body || "（未识别）");
    addMeta(dl, "地区", regionText(r) || "（未识别）");
    addMeta(dl, "行政层级", levelLabel(r.level));
    addMeta(dl, "报告年度", r.year ? `${r.year} 年` : "（未识别）");
    addMeta(dl, "发布日期", r.publication_date);
    addMeta(dl, "表格格式", L.formats[r.format] || null);
    addMeta(dl, "源文件", baseName(r.source), { cls: "mono" });
    const sev = r.findings_by_severity || {};
    addMeta(dl, "检查结果", `错误 ${sev.error || 0} 项，警告 ${sev.warning || 0} 项，提示 ${sev.info || 0} 项`);
    if ((r.flags || []).length) {
      const flags = el("span");
      for (const flag of r.flags) flags.appendChild(el("span", { cls: "badge badge-flag", text: L.flags[flag] || ruleTitle(flag) }));
      addMeta(dl, "标记", flags);
    }
    if (r.issuing_body) {
      const more = el("span", { cls: "meta-links" });
      more.appendChild(link(`/?body=${encodeURIComponent(r.issuing_body)}`, "检索该机关的段落"));
      more.appendChild(link(`/compare?body=${encodeURIComponent(r.issuing_body)}`, "该机关历年对比"));
      more.appendChild(link(`/charts?body=${encodeURIComponent(r.issuing_body)}`, "该机关历年图表"));
      more.appendChild(link(`/findings?body=${encodeURIComponent(r.issuing_body)}`, "该机关的全部检查发现"));
      addMeta(dl, "相关", more);
    }
    const params = new URLSearchParams();
    if (r.issuing_body) params.set("body", r.issuing_body);
    if (r.year) params.set("year", String(r.year));
    downloadBar($("report-downloads"), ["cells", "findings", "passages"], params);
  }

  async function init() {
    const id = reportId();
    await loadRuleTitles();
    const { ok, body } = await fetchJSON(`/api/reports/${encodeURIComponent(id)}`);
    $("loading").hidden = true;
    if (!ok) {
      showError($("error"), body.error, "无法打开这份报告");
      return;
    }
    renderMeta(body);
    $("report-toc").hidden = false;
    const findings = body.findings || [];
    const claims = body.claims || [];
    if (!body.detail_stored) {
      $("findings-summary").textContent = "这份报告入库时尚未保存表格明细；请重新入库（govreport ingest）后再查看。";
    } else {
      const sev = body.findings_by_severity || {};
      $("findings-summary").textContent = findings.length
        ? `共 ${findings.length} 项：错误 ${sev.error || 0}，警告 ${sev.warning || 0}，提示 ${sev.info || 0}。点击“涉及的单元格”可跳到表格。`
        : "没有发现问题。";
    }
    const ctx = ReportView.indexCells(findings, claims);
    ReportView.renderFindings($("findings"), findings, body.passages || []);
    ReportView.renderTables($("tables"), body.tables, ctx);
    ReportView.renderPassages($("passages"), body.passages || [], claims);
    if ((body.problems || []).length) {
      ReportView.renderProblems($("problems"), body.problems);
      $("problems-block").hidden = false;
    }
    document.body.dataset.ready = "true";
    ReportView.followHash();
  }

  document.addEventListener("DOMContentLoaded", init);
})();
