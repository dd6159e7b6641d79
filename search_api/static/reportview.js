// One report laid out for a reviewer: the three tables as printed (wrong cells marked and linked to their
// finding, cells a claim reads linked to the claim), the findings with their cells, and the passages with
// each claim highlighted and linked to its cells. Used by the report page and the check-a-file page.
"use strict";

const ReportView = (() => {
  const { el, link, L, cellId, cellName, humanize, hasCJK, severityBadge, ruleTitle } = GR;
  const SEVERITY_RANK = { error: 0, warning: 1, info: 2 };

  function keyOf(table, row, column) {
    return `${table}|${row}|${column}`;
  }

  // cell key → [{index, severity}] of findings, and → [claim index]
  function indexCells(findings, claims) {
    const byFinding = new Map();
    findings.forEach((finding, index) => {
      for (const c of finding.cells || []) {
        const key = keyOf(c.table, c.row, c.column);
        if (!byFinding.has(key)) byFinding.set(key, []);
        byFinding.get(key).push({ index, severity: finding.severity, rule: finding.rule });
      }
    });
    const byClaim = new Map();
    claims.forEach((claim, index) => {
      for (const c of claim.cells || []) {
        const key = keyOf(c.table, c.row, c.column);
        if (!byClaim.has(key)) byClaim.set(key, []);
        byClaim.get(key).push(index);
      }
    });
    return { byFinding, byClaim };
  }

  function where(line, page) {
    const parts = [];
    if (page) parts.push(`第 ${page} 页`);
    if (line) parts.push(`第 ${line} 行`);
    return parts.length ? `原文${parts.join("，")}` : "";
  }

  // --- tables ----------------------------------------------------------------------------------------

  function valueCell(ctx, table, rowKey, column, row) {
    const td = el("td", { cls: "num" });
    td.id = cellId(table, rowKey, column);
    const cell = row ? (row.cells || {})[column] : null;
    const derived = row ? (row.derived || {})[column] : null;
    const name = cellName(table, rowKey, column);
    if (!row) {
      td.classList.add("absent");
      td.textContent = "—";
      td.title = `${name}：报告中没有这一行`;
      return td;
    }
    if (!cell) {
      td.classList.add("absent");
      td.title = `${name}：没有读到这一格`;
    } else {
      td.classList.add(`kind-${cell.kind}`);
      td.title = [name, `印为“${cell.raw}”`, where(cell.line, cell.span && cell.span.page)].filter(Boolean).join("；");
    }
    const findings = [...(ctx.byFinding.get(keyOf(table, rowKey, column)) || []), ...(ctx.byFinding.get(keyOf(table, rowKey, "*")) || [])];
    const claims = ctx.byClaim.get(keyOf(table, rowKey, column)) || [];
    const shown = cell ? (cell.kind === "blank" ? "" : cell.raw) : "";
    if (findings.length) {
      findings.sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
      td.classList.add("flagged", `flagged-${findings[0].severity}`);
      const a = link(`#finding-${findings[0].index}`, shown || (cell ? "（空白）" : "？"), { cls: "cell-link" });
      a.title = findings.map((f) => `${L.severities[f.severity]}：${ruleTitle(f.rule)}`).join("\n") + "\n点击查看检查发现";
      td.appendChild(a);
    } else if (claims.length) {
      td.classList.add("claimed");
      const a = link(`#claim-${claims[0]}`, shown || (cell ? "（空白）" : "？"), { cls: "cell-link" });
      a.title = "正文中有文字引用这一格，点击查看";
      td.appendChild(a);
    } else {
      td.appendChild(document.createTextNode(shown));
    }
    if (derived && (!cell || cell.kind === "blank")) {
      td.appendChild(el("span", { cls: "derived", text: `（合计 ${derived.raw}）`, title: "报告此格空白；按六列申请人数字相加得出" }));
    }
    return td;
  }

  const DECODING = {
    arithmetic: "原文这一行的数字粘连在一起，按表格的勾稽关系拆分",
    ambiguous: "原文这一行的数字粘连在一起，有多种拆法；只保留各种拆法一致的单元格",
    unreadable: "原文这一行的数字粘连在一起，无法拆分",
  };

  // A row label cell, with a note when the row was printed glued (1000001) and had to be split.
  function rowHeader(text, attrs, row) {
    const th = el("th", { text, attrs });
    const decoding = row && row.decoding;
    if (decoding && DECODING[decoding.method]) {
      const note = el("span", {
        cls: `glued glued-${decoding.method}`,
        text: decoding.method === "arithmetic" ? "拆分" : "存疑",
        title: `${DECODING[decoding.method]}。原文：${decoding.printed}` + (decoding.reading_count ? `（${decoding.reading_count} 种拆法）` : ""),
      });
      th.appendChild(note);
    }
    return th;
  }

  function rowsByKey(table) {
    const map = new Map();
    for (const row of (table && table.rows) || []) if (row.key && !map.has(row.key)) map.set(row.key, row);
    return map;
  }

  function tableBox(ctx, key, table, body) {
    const box = el("section", { cls: "report-table", attrs: { "aria-labelledby": `title-${key}` } });
    const t = L.tables[key];
    const head = el("h3", { text: `${t.ordinal}、${t.title}`, attrs: { id: `title-${key}`, tabindex: "-1" } });
    box.appendChild(head);
    const whole = [...(ctx.byFinding.get(keyOf(key, "*", "*")) || []), ...(ctx.byFinding.get(keyOf(key, key, "*")) || [])];
    if (whole.length) {
      const note = el("p", { cls: "table-findings" });
      note.appendChild(el("span", { text: "这张表的检查发现：" }));
      for (const f of whole) {
        const a = link(`#finding-${f.index}`, `${L.severities[f.severity]}：${ruleTitle(f.rule)}`, { cls: `badge sev sev-${f.severity}` });
        note.appendChild(a);
      }
      box.appendChild(note);
    }
    if (!table) {
      box.appendChild(el("p", { cls: "muted", text: "报告中没有读到这张表。" }));
      return box;
    }
    const bits = [];
    if (table.format && table.format !== "unknown") bits.push(L.formats[table.format] || "");
    if (table.span) bits.push(where(table.span.line, table.span.page) + (table.span.end_line ? `起，至第 ${table.span.end_line} 行` : ""));
    if (bits.length) box.appendChild(el("p", { cls: "table-note", text: bits.join("；") }));
    const scroll = el("div", { cls: "table-scroll", attrs: { tabindex: "0", role: "region", "aria-label": t.title } });
    scroll.appendChild(body);
    box.appendChild(scroll);
    const unknown = (table.rows || []).filter((r) => !r.key);
    if (unknown.length) {
      const note = el("p", { cls: "muted", text: `另有 ${unknown.length} 行标签未能对应到模板：` + unknown.map((r) => `“${r.label}”`).join("、") });
      box.appendChild(note);
    }
    return box;
  }

  function activeTable(ctx, table) {
    const rows = rowsByKey(table);
    const format = table && table.format === "2019" ? "2019" : "2021";
    const grid = el("table", { cls: "grid grid-active" });
    const tbody = el("tbody");
    for (const block of L.activeBlocks) {
      const columns = block.columns[format];
      if (!columns) continue;
      const blockRows = block.rows.filter((r) => format === "2019" || r !== "other_services" || rows.has(r));
      const head = el("tr", { cls: "block-head" });
      head.appendChild(el("th", { text: block.marker, attrs: { colspan: String(columns.length + 1), scope: "colgroup" } }));
      tbody.appendChild(head);
      const cols = el("tr");
      cols.appendChild(el("th", { text: "信息内容", attrs: { scope: "col" } }));
      for (const c of columns) cols.appendChild(el("th", { text: L.activeColumns[c], attrs: { scope: "col" } }));
      tbody.appendChild(cols);
      for (const rowKey of blockRows) {
        const tr = el("tr");
        tr.appendChild(rowHeader(L.activeRows[rowKey], { scope: "row", id: `row-active_disclosure-${rowKey}` }, rows.get(rowKey)));
        for (const c of columns) tr.appendChild(valueCell(ctx, "active_disclosure", rowKey, c, rows.get(rowKey)));
        tbody.appendChild(tr);
      }
    }
    grid.appendChild(tbody);
    return grid;
  }

  function applicationsTable(ctx, table) {
    const rows = rowsByKey(table);
    const singleOther = rows.has("other_handling");
    const visible = L.applicationRows.filter(([key]) => {
      if (key === "other_handling") return singleOther;
      if (key.startsWith("other_") && singleOther) return rows.has(key);
      return true;
    });
    const grid = el("table", { cls: "grid grid-applications" });
    const thead = el("thead");
    const h1 = el("tr");
    h1.appendChild(el("th", { cls: "corner", text: "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", attrs: { colspan: "3", rowspan: "3" } }));
    h1.appendChild(el("th", { text: "申请人情况", attrs: { colspan: "7", scope: "colgroup" } }));
    const h2 = el("tr");
    h2.appendChild(el("th", { text: "自然人", attrs: { rowspan: "2", scope: "col" } }));
    h2.appendChild(el("th", { text: "法人或其他组织", attrs: { colspan: "5", scope: "colgroup" } }));
    h2.appendChild(el("th", { text: "总计", attrs: { rowspan: "2", scope: "col" } }));
    const h3 = el("tr");
    for (const c of ["commercial", "research", "social_welfare", "legal_service", "other_org"]) {
      h3.appendChild(el("th", { text: L.applicationColumns[c], attrs: { scope: "col" } }));
    }
    thead.append(h1, h2, h3);
    grid.appendChild(thead);
    const tbody = el("tbody");
    const outcomeCount = visible.filter(([, , group]) => group !== null).length;
    const groupSizes = {};
    for (const [, , group] of visible) if (group && group !== "outcome") groupSizes[group] = (groupSizes[group] || 0) + 1;
    let outcomeOpened = false;
    const groupOpened = new Set();
    for (const [key, label, group] of visible) {
      const tr = el("tr");
      if (group === null) {
        tr.appendChild(rowHeader(label, { colspan: "3", scope: "row", id: `row-applications-${key}` }, rows.get(key)));
      } else {
        if (!outcomeOpened) {
          tr.appendChild(el("th", { cls: "vertical", text: "三、本年度办理结果", attrs: { rowspan: String(outcomeCount), scope: "rowgroup" } }));
          outcomeOpened = true;
        }
        if (group === "outcome") {
          tr.appendChild(rowHeader(label, { colspan: "2", scope: "row", id: `row-applications-${key}` }, rows.get(key)));
        } else {
          if (!groupOpened.has(group)) {
            tr.appendChild(el("th", { text: group, attrs: { rowspan: String(groupSizes[group]), scope: "rowgroup" } }));
            groupOpened.add(group);
          }
          tr.appendChild(rowHeader(label, { scope: "row", id: `row-applications-${key}` }, rows.get(key)));
        }
      }
      for (const c of L.applicationColumnOrder) tr.appendChild(valueCell(ctx, "applications", key, c, rows.get(key)));
      tbody.appendChild(tr);
    }
    grid.appendChild(tbody);
    return grid;
  }

  function reviewTable(ctx, table) {
    const rows = rowsByKey(table);
    const grid = el("table", { cls: "grid grid-review" });
    const thead = el("thead");
    const h1 = el("tr");
    h1.appendChild(el("th", { text: "行政复议", attrs: { colspan: "5", scope: "colgroup" } }));
    h1.appendChild(el("th", { text: "行政诉讼", attrs: { colspan: "10", scope: "colgroup" } }));
    const h2 = el("tr");
    for (const c of L.reviewColumnOrder) h2.appendChild(el("th", { text: L.reviewColumns[c], attrs: { rowspan: "2", scope: "col" } }));
    h2.appendChild(el("th", { text: "未经复议直接起诉", attrs: { colspan: "5", scope: "colgroup" } }));
    h2.appendChild(el("th", { text: "复议后起诉", attrs: { colspan: "5", scope: "colgroup" } }));
    const h3 = el("tr");
    for (let i = 0; i < 2; i++) for (const c of L.reviewColumnOrder) h3.appendChild(el("th", { text: L.reviewColumns[c], attrs: { scope: "col" } }));
    thead.append(h1, h2, h3);
    grid.appendChild(thead);
    const tr = el("tr");
    for (const group of ["review", "suit_direct", "suit_after_review"]) {
      for (const c of L.reviewColumnOrder) tr.appendChild(valueCell(ctx, "review_litigation", group, c, rows.get(group)));
    }
    const tbody = el("tbody");
    tbody.appendChild(tr);
    grid.appendChild(tbody);
    return grid;
  }

  function renderTables(box, tables, ctx) {
    box.replaceChildren();
    const t = tables || {};
    box.appendChild(tableBox(ctx, "active_disclosure", t.active_disclosure, activeTable(ctx, t.active_disclosure)));
    box.appendChild(tableBox(ctx, "applications", t.applications, applicationsTable(ctx, t.applications)));
    box.appendChild(tableBox(ctx, "review_litigation", t.review_litigation, reviewTable(ctx, t.review_litigation)));
  }

  // --- findings --------------------------------------------------------------------------------------

  function cellLinks(cells, { prefix } = {}) {
    const list = el("ul", { cls: "cell-links" });
    for (const c of cells || []) {
      const item = el("li");
      const a = link(`#${cellId(c.table, c.row, c.column)}`, cellName(c.table, c.row, c.column) + GR.cellValueText(c));
      a.classList.add("to-cell");
      item.appendChild(a);
      const loc = where(c.line, c.page);
      if (loc) item.appendChild(el("span", { cls: "muted", text: ` ${loc}` }));
      list.appendChild(item);
    }
    if (!prefix || !list.children.length) return list;
    const box = el("div", { cls: "cell-links-box" });
    box.appendChild(el("span", { cls: "muted", text: prefix }));
    box.appendChild(list);
    return box;
  }

  function passageAt(passages, span) {
    if (!span) return null;
    return (passages || []).find((p) => p.span && span.start >= p.span.start && span.start < p.span.end) || null;
  }

  function renderFindings(list, findings, passages) {
    list.replaceChildren();
    const order = findings.map((f, i) => i).sort((a, b) => SEVERITY_RANK[findings[a].severity] - SEVERITY_RANK[findings[b].severity] || a - b);
    for (const index of order) {
      const f = findings[index];
      const item = el("li", { cls: `finding sev-border-${f.severity}`, attrs: { id: `finding-${index}`, tabindex: "-1" } });
      const head = el("p", { cls: "finding-head" });
      head.appendChild(severityBadge(f.severity));
      head.appendChild(el("strong", { text: ruleTitle(f.rule) }));
      head.appendChild(el("span", { cls: "rule-id", text: f.rule, title: "规则编号" }));
      item.appendChild(head);
      item.appendChild(el("p", { cls: "finding-message", text: humanize(f.message_zh) }));
      if (f.text) item.appendChild(el("blockquote", { cls: "finding-text", text: f.text }));
      if (f.correction && hasCJK(f.correction)) item.appendChild(el("p", { cls: "correction", text: `建议更正：${humanize(f.correction)}` }));
      const loc = f.span ? where(f.span.line, f.span.page) : "";
      const passage = passageAt(passages, f.span);
      if (loc || passage) {
        const p = el("p", { cls: "muted" });
        if (loc) p.appendChild(document.createTextNode(loc + " "));
        if (passage) p.appendChild(link(`#passage-${passage.ordinal}`, "在正文中查看", { cls: "to-passage" }));
        item.appendChild(p);
      }
      if ((f.cells || []).length) item.appendChild(cellLinks(f.cells, { prefix: "涉及的单元格：" }));
      list.appendChild(item);
    }
  }

  // --- passages and claims ---------------------------------------------------------------------------

  function claimRange(passage, claim) {
    // where the claim's words sit in the passage text: by offsets when they agree with the sentence,
    // else by finding the sentence in the passage
    const inSentence = [claim.span.start - claim.sentence_span.start, claim.span.end - claim.sentence_span.start];
    const expected = claim.sentence.slice(inSentence[0], inSentence[1]);
    const byOffset = claim.span.start - passage.span.start;
    if (expected && passage.text.slice(byOffset, byOffset + expected.length) === expected) return [byOffset, byOffset + expected.length];
    const sentenceAt = passage.text.indexOf(claim.sentence);
    if (sentenceAt >= 0 && expected) return [sentenceAt + inSentence[0], sentenceAt + inSentence[1]];
    return null;
  }

  function claimBelongs(passage, claim) {
    const s = claim.sentence_span || claim.span;
    return s.start >= passage.span.start && s.start < passage.span.end;
  }

  function claimSummary(claim) {
    const value = claim.negative ? "没有（0）" : `${claim.value}${claim.unit || ""}`;
    return `“${claim.phrase}” ${value}`;
  }

  function renderPassageText(p, passage, claims) {
    const ranges = [];
    for (const { claim, index } of claims) {
      const range = claimRange(passage, claim);
      if (range && !ranges.some((r) => range[0] < r.end && r.start < range[1])) ranges.push({ start: range[0], end: range[1], claim, index });
    }
    ranges.sort((a, b) => a.start - b.start);
    let at = 0;
    for (const r of ranges) {
      if (r.start > at) p.appendChild(document.createTextNode(passage.text.slice(at, r.start)));
      const cells = r.claim.cells || [];
      const mark = el("mark", { cls: `claim verdict-${r.claim.verdict || "none"}` });
      const target = cells.length ? `#${cellId(cells[0].table, cells[0].row, cells[0].column)}` : `#claim-${r.index}`;
      const a = link(target, passage.text.slice(r.start, r.end), { cls: "claim-link" });
      a.title = `${L.verdicts[r.claim.verdict] || "未判定"}：${claimSummary(r.claim)}` + (cells.length ? "\n点击查看表格中的对应单元格" : "");
      mark.appendChild(a);
      p.appendChild(mark);
      at = r.end;
    }
    if (at < passage.text.length) p.appendChild(document.createTextNode(passage.text.slice(at)));
  }

  function renderPassages(box, passages, claims) {
    box.replaceChildren();
    let section = undefined;
    let list = null;
    const used = new Set();
    passages.forEach((passage) => {
      if (passage.section !== section) {
        section = passage.section;
        box.appendChild(el("h3", { text: L.sections[section] || "（未识别的章节）" }));
        list = el("ol", { cls: "passages" });
        box.appendChild(list);
      }
      const own = [];
      claims.forEach((claim, index) => {
        if (!used.has(index) && claimBelongs(passage, claim)) {
          own.push({ claim, index });
          used.add(index);
        }
      });
      const item = el("li", { cls: "passage", attrs: { id: `passage-${passage.ordinal}` } });
      const meta = el("p", { cls: "passage-meta" });
      if (passage.kind && passage.kind !== "other") meta.appendChild(el("span", { cls: `badge badge-${passage.kind}`, text: L.kinds[passage.kind] }));
      const loc = where(passage.span && passage.span.line, passage.span && passage.span.page);
      if (loc) meta.appendChild(el("span", { cls: "muted", text: loc }));
      item.appendChild(meta);
      const text = el("p", { cls: "passage-text" });
      renderPassageText(text, passage, own);
      item.appendChild(text);
      if (own.length) item.appendChild(claimList(own));
      list.appendChild(item);
    });
    const orphans = claims.map((claim, index) => ({ claim, index })).filter(({ index }) => !used.has(index));
    if (orphans.length) {
      box.appendChild(el("h3", { text: "其他数字表述" }));
      box.appendChild(claimList(orphans, true));
    }
  }

  function claimList(items, withSentence) {
    const list = el("ul", { cls: "claims" });
    for (const { claim, index } of items) {
      const li = el("li", { cls: `claim-item verdict-${claim.verdict || "none"}`, attrs: { id: `claim-${index}`, tabindex: "-1" } });
      li.appendChild(el("span", { cls: `badge verdict verdict-${claim.verdict || "none"}`, text: L.verdicts[claim.verdict] || "未判定" }));
      li.appendChild(el("span", { text: ` ${claimSummary(claim)}` }));
      if (withSentence) li.appendChild(el("q", { text: claim.sentence }));
      if ((claim.cells || []).length) li.appendChild(cellLinks(claim.cells, { prefix: "对照：" }));
      list.appendChild(li);
    }
    return list;
  }

  // --- problems met while reading ---------------------------------------------------------------------

  const PROBLEM_TEXT = {
    section_missing: "缺少章节", section_inferred: "章节标题不规范，按内容推断", section_out_of_order: "章节顺序不对",
    table_missing: "缺少表格", table_truncated: "表格不完整", row_missing: "缺少表格行", row_duplicate: "表格行重复",
    row_too_many_cells: "一行的数字多于栏目", row_too_few_cells: "一行的数字少于栏目", cell_unparseable: "单元格内容不是数字",
    cells_glued_ambiguous: "粘连的数字有多种拆法，只保留各种拆法一致的单元格", cells_glued_unreadable: "粘连的数字无法拆分",
    values_without_label: "数字没有对应的行标签", label_unmatched: "行标签对不上模板", label_ambiguous: "行标签可对应多个模板行",
  };

  function renderProblems(list, problems) {
    list.replaceChildren();
    for (const problem of problems || []) {
      const item = el("li");
      item.appendChild(el("span", { text: PROBLEM_TEXT[problem.code] || "读取时遇到问题" }));
      const loc = where(problem.line, problem.page);
      if (loc) item.appendChild(el("span", { cls: "muted", text: `（${loc}）` }));
      list.appendChild(item);
    }
  }

  // Scroll to and flash the element the URL's #hash names (after the page is built).
  function followHash() {
    const id = decodeURIComponent(window.location.hash.slice(1));
    if (!id) return;
    const target = document.getElementById(id);
    if (!target) return;
    target.scrollIntoView({ block: "center" });
    target.classList.remove("flash");
    void target.offsetWidth;
    target.classList.add("flash");
  }

  window.addEventListener("hashchange", followHash);

  return { indexCells, renderTables, renderFindings, renderPassages, renderProblems, followHash, where };
})();
