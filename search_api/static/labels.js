// Chinese labels of the template's keys (configs/labels.yaml, docs of the 2021 and 2019 formats), so no
// page ever shows a key to people. tests/test_page_static.py holds this file to configs/labels.yaml.
"use strict";

const GR_LABELS = {
  tables: {
    active_disclosure: { ordinal: "二", title: "主动公开政府信息情况", short: "表二（主动公开）" },
    applications: { ordinal: "三", title: "收到和处理政府信息公开申请情况", short: "表三（依申请公开）" },
    review_litigation: { ordinal: "四", title: "政府信息公开行政复议、行政诉讼情况", short: "表四（复议诉讼）" },
  },
  // table 2: blocks in printed order, their columns per format, their rows
  activeBlocks: [
    { marker: "第二十条第（一）项", columns: { "2021": ["issued", "repealed", "in_force"], "2019": ["new_made", "new_published", "total_published"] }, rows: ["regulations", "normative_documents"] },
    { marker: "第二十条第（五）项", columns: { "2021": ["decisions"], "2019": ["prev_year_items", "change", "decisions"] }, rows: ["licensing", "other_services"] },
    { marker: "第二十条第（六）项", columns: { "2021": ["decisions"], "2019": ["prev_year_items", "change", "decisions"] }, rows: ["punishment", "coercion"] },
    { marker: "第二十条第（八）项", columns: { "2021": ["amount_wan_yuan"], "2019": ["prev_year_items", "change"] }, rows: ["fees"] },
    { marker: "第二十条第（九）项", columns: { "2019": ["items", "amount"] }, rows: ["procurement"] },
  ],
  activeRows: {
    regulations: "规章", normative_documents: "行政规范性文件", licensing: "行政许可",
    other_services: "其他对外管理服务事项", punishment: "行政处罚", coercion: "行政强制",
    fees: "行政事业性收费", procurement: "政府集中采购",
  },
  activeColumns: {
    issued: "本年制发件数", repealed: "本年废止件数", in_force: "现行有效件数", decisions: "本年处理决定数量",
    amount_wan_yuan: "本年收费金额（单位：万元）", new_made: "本年新制作数量", new_published: "本年新公开数量",
    total_published: "对外公开总数量", prev_year_items: "上一年项目数量", change: "本年增/减",
    items: "采购项目数量", amount: "采购总金额",
  },
  // table 3
  applicationColumns: {
    natural_person: "自然人", commercial: "商业企业", research: "科研机构", social_welfare: "社会公益组织",
    legal_service: "法律服务机构", other_org: "其他", total: "总计",
  },
  applicationColumnOrder: ["natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total"],
  // [key, printed label, group] in printed order; group: null (a row of its own), "outcome" (under 三、本年度办理结果)
  // or the outcome group it is numbered in
  applicationRows: [
    ["new_received", "一、本年新收政府信息公开申请数量", null],
    ["carried_over", "二、上年结转政府信息公开申请数量", null],
    ["granted", "（一）予以公开", "outcome"],
    ["partially_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "outcome"],
    ["denied_state_secret", "1.属于国家秘密", "（三）不予公开"],
    ["denied_prohibited_by_law", "2.其他法律行政法规禁止公开", "（三）不予公开"],
    ["denied_security_stability", "3.危及“三安全一稳定”", "（三）不予公开"],
    ["denied_third_party", "4.保护第三方合法权益", "（三）不予公开"],
    ["denied_internal_affairs", "5.属于三类内部事务信息", "（三）不予公开"],
    ["denied_process_info", "6.属于四类过程性信息", "（三）不予公开"],
    ["denied_enforcement_files", "7.属于行政执法案卷", "（三）不予公开"],
    ["denied_admin_query", "8.属于行政查询事项", "（三）不予公开"],
    ["unable_not_held", "1.本机关不掌握相关政府信息", "（四）无法提供"],
    ["unable_needs_creation", "2.没有现成信息需要另行制作", "（四）无法提供"],
    ["unable_unclear", "3.补正后申请内容仍不明确", "（四）无法提供"],
    ["rejected_petition", "1.信访举报投诉类申请", "（五）不予处理"],
    ["rejected_repeat", "2.重复申请", "（五）不予处理"],
    ["rejected_publication", "3.要求提供公开出版物", "（五）不予处理"],
    ["rejected_mass_repeat", "4.无正当理由大量反复申请", "（五）不予处理"],
    ["rejected_confirmation", "5.要求行政机关确认或重新出具已获取信息", "（五）不予处理"],
    ["other_overdue_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "（六）其他处理"],
    ["other_unpaid_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "（六）其他处理"],
    ["other_other", "3.其他", "（六）其他处理"],
    ["other_handling", "（六）其他处理", "outcome"],
    ["handled_total", "（七）总计", "outcome"],
    ["carried_forward", "四、结转下年度继续办理", null],
  ],
  // table 4
  reviewGroups: { review: "行政复议", suit_direct: "行政诉讼 · 未经复议直接起诉", suit_after_review: "行政诉讼 · 复议后起诉" },
  reviewColumns: { upheld: "结果维持", corrected: "结果纠正", other: "其他结果", pending: "尚未审结", total: "总计" },
  reviewColumnOrder: ["upheld", "corrected", "other", "pending", "total"],

  levels: {
    province: "省级", city: "市级", county: "县级", district: "区级", township: "乡镇级", department: "部门",
    unknown: "未识别",
  },
  sections: {
    preamble: "引言", overview: "一、总体情况", active_disclosure: "二、主动公开政府信息情况",
    applications: "三、收到和处理政府信息公开申请情况", review_litigation: "四、政府信息公开行政复议、行政诉讼情况",
    problems_improvements: "五、存在的主要问题及改进情况", other_matters: "六、其他需要报告的事项",
  },
  kinds: { problem: "存在问题", improvement: "改进措施", other: "其他" },
  severities: { error: "错误", warning: "警告", info: "提示" },
  verdicts: { supported: "与表格一致", contradicted: "与表格矛盾", unverifiable: "无法核对" },
  cellKinds: { number: "数字", blank: "空白", not_applicable: "不适用", text: "文字" },
  flags: {
    has_error: "报告有错误", has_warning: "报告有警告", contradicted_claim: "文字与表格矛盾",
    boilerplate: "套话", copied_prev_year: "照搬上年", copied_neighbour: "照搬同级", common_phrase: "常见表述",
  },
  outcomeGroups: {
    granted: "予以公开", partially_granted: "部分公开", denied: "不予公开", unable: "无法提供",
    rejected: "不予处理", other: "其他处理",
  },
  // prose claims' metrics (configs/claims.yaml), as messages quote them
  metrics: {
    "applications.received": "本年新收申请数", "applications.carried_over": "上年结转申请数",
    "applications.handled": "办理申请数", "applications.granted": "予以公开数",
    "applications.granted_or_partially_granted": "予以公开和部分公开数", "applications.partially_granted": "部分公开数",
    "applications.denied": "不予公开数", "applications.unable": "无法提供数", "applications.rejected": "不予处理数",
    "applications.other_handling": "其他处理数", "applications.carried_forward": "结转下年度办理数",
  },
  metricGroups: { review: "行政复议", suit: "行政诉讼", suit_direct: "未经复议直接起诉", suit_after_review: "复议后起诉" },
  formats: { "2021": "2021 年新版格式", "2019": "2019 年试行格式", unknown: "格式未识别" },
  exportWhat: { cells: "表格单元格", findings: "检查发现", passages: "段落", reports: "报告", search: "检索结果" },
};
