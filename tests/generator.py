"""Random annual reports for round-trip property tests: a model, Hypothesis strategies that draw it, a text
renderer in the layouts real reports use, and the oracle that compares an extracted Report with the model.

The model IS the expectation: every printed cell keeps its raw text, value and kind, so the oracle never
re-derives anything from the rendered text. Labels and their variants are our own list (docs/template.md and
the seeds), not configs/labels.yaml, so the aligner's configuration is tested rather than trusted.

Tables are first built as grids (cells with colspan/rowspan, merged positions marked `covered`) and then
rendered; the same grids feed the HTML and DOCX renderers in tests/generator_formats.py.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from hypothesis import strategies as st

from nlp.schema import CellKind, Report, SectionKey, TableKey

__all__ = [
    "APPLICATION_COLUMNS",
    "REVIEW_COLUMNS",
    "REVIEW_GROUPS",
    "GenBlock",
    "GenCell",
    "GenReport",
    "GenRow",
    "GenSection",
    "Grid",
    "Knobs",
    "Layout",
    "Style",
    "TCell",
    "active_grid",
    "applications_grid",
    "expected_cells",
    "mismatches",
    "narrative_sentences",
    "render_grid",
    "render_text",
    "reports",
    "review_grid",
    "table_grids",
]

Layout = Literal["tabs", "cells", "spaces"]
Fmt = Literal["2019", "2021"]
Role = Literal["header", "label", "value"]

SEEDS_DIR = Path(__file__).resolve().parents[1] / "samples" / "seeds"

APPLICATION_COLUMNS = (
    "natural_person",
    "commercial",
    "research",
    "social_welfare",
    "legal_service",
    "other_org",
    "total",
)
REVIEW_GROUPS = ("review", "suit_direct", "suit_after_review")
REVIEW_COLUMNS = ("upheld", "corrected", "other", "pending", "total")

# --- the model -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GenCell:
    raw: str  # as printed ("" for a blank cell)
    value: int | Decimal | None
    kind: CellKind


@dataclass(frozen=True)
class GenRow:
    """A table row: its canonical key, its printed label parts and its (column key, cell) pairs in printed
    order. Table 2 rows have one label part; table 3 rows have (main, group, item), None where a merged
    cell of an earlier row covers that position or the row's label does not reach it."""

    key: str
    labels: tuple[str | None, ...]
    cells: tuple[tuple[str, GenCell], ...]


@dataclass(frozen=True)
class GenBlock:
    """One 第二十条第（x）项 block of table 2."""

    marker: str
    headers: tuple[str, ...]  # column headers as printed, after 信息内容
    rows: tuple[GenRow, ...]


@dataclass(frozen=True)
class GenSection:
    key: SectionKey
    heading: str | None  # None: no heading line (the preamble)
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Style:
    """How the report is laid out as text; the content does not depend on it."""

    layout: Layout = "tabs"
    ragged: bool = False  # tabs only: songxian-like spacer cells after labels and padding after values
    split_headers: bool = False  # cells only: header words broken across lines (商业\n企业, 结果\n纠正)
    blank_lines: bool = False  # an empty line before every paragraph
    seed: int = 0  # drives the render-time choices of ragged and split_headers
    review_rows: bool = False  # tabs/spaces: table 4's fifteen values as three rows of five


@dataclass(frozen=True)
class GenReport:
    body: str
    year: int
    format: Fmt
    style: Style
    sections: tuple[GenSection, ...]
    active: tuple[GenBlock, ...]
    app_note: str | None  # the corner cell (本列数据的勾稽关系为…), when printed
    org_headers: tuple[str, ...]  # the five 法人或其他组织 column headers as printed
    applications: tuple[GenRow, ...]
    review: tuple[GenCell, ...]  # 15 cells: review, suit_direct, suit_after_review × upheld … total
    problems: tuple[str, ...]  # section 五: the problem items' titles, in order
    improvements: tuple[str, ...]  # section 五: the improvement items' titles, in order
    # Section 五 lead-ins printed as paragraphs of their own ("…主要包括以下几个方面。" on its own line). A
    # reader may take one for the list it introduces or for "other": both readings are defensible.
    lead_ins: tuple[str, ...] = ()

    def __repr__(self) -> str:
        # Hypothesis prints the failing example: the rendered text (in the test's note) says the rest
        return f"GenReport(format={self.format!r}, year={self.year}, style={self.style!r})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))


@dataclass(frozen=True)
class Knobs:
    """Which features the strategy may draw (each property test picks its own)."""

    layouts: tuple[Layout, ...] = ("tabs", "cells", "spaces")
    formats: tuple[Fmt, ...] = ("2019", "2021")
    blanks: bool = False  # blank and not-applicable cells
    variants: bool = True  # label variants, enumerator styles, spaces inside labels, heading variants
    thousands: bool = True  # 75,295
    # headings a reader must infer: 一、总体情况 missing before its （一）… parts (muye_2021), 五's heading
    # missing before （一）存在的主要问题 / （二）…改进措施
    missing_headings: bool = False


# --- the template, as printed --------------------------------------------------------------------

_CN = "一二三四五六七八九十"

_COL_LABELS = {
    "issued": "本年制发件数",
    "repealed": "本年废止件数",
    "in_force": "现行有效件数",
    "decisions": "本年处理决定数量",
    "amount_wan_yuan": "本年收费金额（单位：万元）",
    "new_made": "本年新制作数量",
    "new_published": "本年新公开数量",
    "total_published": "对外公开总数量",
    "prev_year_items": "上一年项目数量",
    "change": "本年增/减",
    "decisions_2019": "处理决定数量",
    "items": "采购项目数量",
    "amount": "采购总金额",
}
# column header variants seen in real reports (songxian's fee unit note; lingqiu prints the wrong header)
_COL_VARIANTS = {
    "amount_wan_yuan": ("本年收费金额（单位：万元，保留4位小数）", "本年处理决定数量"),
}

# (item number, columns, rows) per block; a column "decisions_2019" is printed 处理决定数量, keyed decisions
_BLOCKS: dict[Fmt, tuple[tuple[int, tuple[str, ...], tuple[tuple[str, str], ...]], ...]] = {
    "2021": (
        (
            1,
            ("issued", "repealed", "in_force"),
            (("regulations", "规章"), ("normative_documents", "行政规范性文件")),
        ),
        (5, ("decisions",), (("licensing", "行政许可"),)),
        (6, ("decisions",), (("punishment", "行政处罚"), ("coercion", "行政强制"))),
        (8, ("amount_wan_yuan",), (("fees", "行政事业性收费"),)),
    ),
    "2019": (
        (
            1,
            ("new_made", "new_published", "total_published"),
            (("regulations", "规章"), ("normative_documents", "规范性文件")),
        ),
        (
            5,
            ("prev_year_items", "change", "decisions_2019"),
            (("licensing", "行政许可"), ("other_services", "其他对外管理服务事项")),
        ),
        (
            6,
            ("prev_year_items", "change", "decisions_2019"),
            (("punishment", "行政处罚"), ("coercion", "行政强制")),
        ),
        (8, ("prev_year_items", "change"), (("fees", "行政事业性收费"),)),
        (9, ("items", "amount"), (("procurement", "政府集中采购"),)),
    ),
}
_ROW2_VARIANTS = {"normative_documents": ("规范性文件", "行政规范性文件")}

# table 3: key, (main ordinal, main label) when the row opens a main block, (group no., label) when it
# opens a group, (item no., label) for numbered items
_Part = tuple[int, str] | None
_T3_HEAD: tuple[tuple[str, _Part, _Part, _Part], ...] = (
    ("new_received", (1, "本年新收政府信息公开申请数量"), None, None),
    ("carried_over", (2, "上年结转政府信息公开申请数量"), None, None),
    ("granted", (3, "本年度办理结果"), (1, "予以公开"), None),
    ("partially_granted", None, (2, "部分公开（区分处理的，只计这一情形，不计其他情形）"), None),
    ("denied_state_secret", None, (3, "不予公开"), (1, "属于国家秘密")),
    ("denied_prohibited_by_law", None, None, (2, "其他法律行政法规禁止公开")),
    ("denied_security_stability", None, None, (3, "危及“三安全一稳定”")),
    ("denied_third_party", None, None, (4, "保护第三方合法权益")),
    ("denied_internal_affairs", None, None, (5, "属于三类内部事务信息")),
    ("denied_process_info", None, None, (6, "属于四类过程性信息")),
    ("denied_enforcement_files", None, None, (7, "属于行政执法案卷")),
    ("denied_admin_query", None, None, (8, "属于行政查询事项")),
    ("unable_not_held", None, (4, "无法提供"), (1, "本机关不掌握相关政府信息")),
    ("unable_needs_creation", None, None, (2, "没有现成信息需要另行制作")),
    ("unable_unclear", None, None, (3, "补正后申请内容仍不明确")),
    ("rejected_petition", None, (5, "不予处理"), (1, "信访举报投诉类申请")),
    ("rejected_repeat", None, None, (2, "重复申请")),
    ("rejected_publication", None, None, (3, "要求提供公开出版物")),
    ("rejected_mass_repeat", None, None, (4, "无正当理由大量反复申请")),
    ("rejected_confirmation", None, None, (5, "要求行政机关确认或重新出具已获取信息")),
)
_T3_OTHER_SPLIT: tuple[tuple[str, _Part, _Part, _Part], ...] = (
    (
        "other_overdue_correction",
        None,
        (6, "其他处理"),
        (1, "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ),
    (
        "other_unpaid_fee",
        None,
        None,
        (2, "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ),
    ("other_other", None, None, (3, "其他")),
)
_T3_OTHER_SINGLE: tuple[tuple[str, _Part, _Part, _Part], ...] = (
    ("other_handling", None, (6, "其他处理"), None),
)
_T3_TAIL: tuple[tuple[str, _Part, _Part, _Part], ...] = (
    ("handled_total", None, (7, "总计"), None),
    ("carried_forward", (4, "结转下年度继续办理"), None, None),
)
_T3_VARIANTS = {
    "partially_granted": ("部分公开", "部分公开 (区分处理的, 只计这一情形, 不计其他情形)"),
    "denied_prohibited_by_law": ("其他法律法规禁止公开", "其他法律行政止公开"),
    "denied_security_stability": ("危及三安全一稳定", '危及"三安全一稳定"'),
    "other_overdue_correction": ("申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开",),
}
_ORG_HEADERS = ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
_SOCIAL_VARIANTS = ("社会组织", "公益组织")
_APP_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
_APP_NOTE_HALF = "(本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和)"

_GROUP_ENUMS = ("（{}）", "({})", "({}) ")
_ITEM_ENUMS = ("{}.", "{}、", "{}. ", "{}．")
_FULLWIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")
_MARKERS = ("第二十条第（{}）项", "第二十条第({})项", "第二十条  第（{}）项")

_HEADINGS: dict[SectionKey, tuple[str, ...]] = {
    "overview": ("总体情况",),
    "active_disclosure": ("主动公开政府信息情况",),
    "applications": ("收到和处理政府信息公开申请情况",),
    "review_litigation": (
        "政府信息公开行政复议、行政诉讼情况",
        "因政府信息公开工作被申请行政复议、提起行政诉讼情况",
        "政府信息公开工作被申请行政复议、提起行政诉讼情况",
        "政府信息公开行政法复议、行政诉讼情况",
    ),
    "problems_improvements": (
        "存在的主要问题及改进情况",
        "政府信息公开工作存在的主要问题及改进情况",
        "当前存在的主要问题及下步改进措施",
        "存在的主要问题及整改措施",
    ),
    "other_matters": ("其他需要报告的事项",),
}
_SECTION_ORDER: tuple[SectionKey, ...] = (
    "overview",
    "active_disclosure",
    "applications",
    "review_litigation",
    "problems_improvements",
    "other_matters",
)

_BODIES = (
    "嵩县人民政府",
    "灵丘县人民政府办公室",
    "中牟县人民政府",
    "新乡市牧野区人民政府",
    "彭水苗族土家族自治县人民政府",
    "淮安市洪泽区人民政府",
    "栾川县人民政府",
    "登封市人民政府",
    "广灵县人民政府办公室",
    "盱眙县人民政府",
    "洛阳市人民政府",
)
_OVERVIEW_SUBHEADS = (
    "（一）主动公开情况",
    "（二）依申请公开情况",
    "（三）政府信息管理情况",
    "（四）政府信息公开平台建设情况",
    "（五）监督保障情况",
)
_OTHER_MATTERS = (
    "无。",
    "本单位未收取信息处理费。",
    "暂无其他需要报告的事项。",
    "本年度未收取信息处理费，没有其他需要报告的事项。",
)

# section 五 items, from the seeds (title, elaboration); titles carry no improvement cue (将, 下一步, 今后…)
_PROBLEMS = (
    ("政策解读有待加强", "对规范性文件的解读力度不够，部分需要公众广泛知晓了解的政策，没有解读到位"),
    ("公开平台建设实效性仍需提升", "对新形势下如何发挥政务新媒体作用方面研究得不够透彻"),
    ("对政府信息公开工作的协调、指导、推进力度还需加大", "主动谋划、前瞻谋划、系统谋划工作还不够"),
    ("业务知识有待进一步提高", "部分工作人员对政府信息公开方面的法律法规和政策文件理解不深"),
    ("依申请公开办理能力不足", "部分单位长期未收到政府信息公开申请，程序意识和证据意识不强"),
    ("人员稳定性有待进一步加强", "个别单位负责政府信息公开的人员岗位变动较频繁"),
    ("主动公开还不够及时", "公开信息主动性不足，信息更新不够及时，分类不准确、不细致的现象仍然存在"),
    ("政策解读形式还不够丰富", "政策解读力度不够"),
    ("队伍素质还不够匹配", "政务公开工作人员的业务水平有待加强"),
    ("信息公开质量有待提升", ""),
    ("基层工作人员业务能力仍需提高", ""),
)
_IMPROVEMENTS = (
    ("充分发挥专家解读作用", "对政策措施出台实施过程中出现的误解误读和质疑，迅速澄清、解疑释惑、正确引导"),
    ("持续推进《条例》贯彻落实", "不定期组织加强政务公开规定、政策等业务学习"),
    ("进一步加强组织领导", "完善政府信息与政务公开工作机制，规范工作流程，理顺政府信息公开的工作关系"),
    ("强化业务培训和工作指导", "多举办业务专场培训，科学设置培训内容"),
    ("加强公开工作队伍的人员建设", "明确信息公开工作负责人员的岗位职责要求，及时报备工作人员变动情况"),
    ("加强业务培训", "定期组织政府网站和政务新媒体管理人员对依申请公开、政策解读等程序再培训"),
    ("提高政策解读质量", "丰富发布形式，优化政策解读栏目功能"),
    ("强化考核监督", "完善监督评议机制，助推政务公开更加高效、便民"),
    ("提升信息公开质量", "针对法定主动公开内容，实行清单化管理，动态更新保障"),
    ("严格落实政策解读“三同步”要求", "丰富解读形式，提升政策解读质量"),
)
_PROBLEM_INTROS = (
    "本年度政府信息公开工作虽然取得了明显成效，但对照省市政府信息公开工作要求，仍然存在一些问题和不足，主要表现在：",
    "{year}年我办政务公开工作仍存在一些问题：",
    "在政府信息公开工作方面取得了一定的成绩，但仍存在一些问题和不足，主要包括以下几个方面。",
)
_IMPROVEMENT_INTROS = (
    "下一步，我们将进一步认真落实上级指示精神和工作安排，扎实推进政务公开各项工作。",
    "针对以上问题，主要通过以下途径予以改进。",
    "在今后的工作中，我们将从以下几个方面推进政务公开工作：",
)
_NOT_OUTCOMES = frozenset({"new_received", "carried_over", "handled_total", "carried_forward"})
_FIVE_STYLES = ("inline", "semicolon", "subheads", "lines")

# --- narrative from the seeds -------------------------------------------------------------------

# sentences that could read as a heading, a section-五 item or a cue are left out of the narrative pool
_UNUSABLE = re.compile(
    r"[一二三四五六七八九十][是、]|下一步|改进|今后|问题|不足|总体情况|主动公开政府信息情况|收到和处理|"
    r"行政复议|行政诉讼|其他需要报告|年度报告|[（(][一二三四五六七八九十\d]+[）)]|\t|^\d"
)


@lru_cache(maxsize=1)
def narrative_sentences() -> tuple[str, ...]:
    """Sentences of the seeds' narrative that read like a report and cannot be mistaken for structure."""
    found: list[str] = []
    for path in sorted(SEEDS_DIR.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            found.extend(_usable_sentences(line))
    return tuple(dict.fromkeys(found))


def _usable_sentences(line: str) -> list[str]:
    line = line.strip()
    if len(line) < 30 or "\t" in line:
        return []
    pieces = (p.strip() for p in line.split("。"))
    return [p + "。" for p in pieces if 12 <= len(p) <= 150 and not _UNUSABLE.search(p) and _gbk(p)]


def _gbk(text: str) -> bool:
    """The GBK renderer must be able to encode every sentence (a few seed lines carry U+00A0)."""
    try:
        text.encode("gbk")
    except UnicodeEncodeError:
        return False
    return True


# --- strategies: cells ---------------------------------------------------------------------------


def _number_cell(value: int | Decimal, *, thousands: bool) -> GenCell:
    raw = f"{value:,}" if thousands and abs(value) >= 1000 else str(value)
    return GenCell(raw=raw, value=value, kind="number")


_BLANK = GenCell(raw="", value=None, kind="blank")
_NA_TEXTS = ("/", "—", "——", "-")


# A row's cells come from one drawn seed: a report has ~300 cells, and a Hypothesis draw per cell made a
# report cost a quarter of a second. Seed 0 (where shrinking heads) is the simplest row: all zeros.
_SEEDS = st.integers(0, 2**32 - 1)


def _number(rng: random.Random, numbers: str) -> int | Decimal:
    if numbers == "amount":  # money with 0–4 decimal places, as fees (万元) are printed
        digits = rng.choice((0, rng.randint(0, 99), rng.randint(0, 99_999_999)))
        return Decimal(digits).scaleb(-rng.randint(0, 4))
    count = rng.choice(
        (rng.randint(0, 9), rng.randint(0, 9), rng.randint(0, 999), rng.randint(1000, 200_000))
    )
    return -count if numbers == "signed" and rng.random() < 0.3 else count


def _seeded_cell(rng: random.Random, numbers: str, *, thousands: bool, blank: bool, na: bool) -> GenCell:
    kinds = ["number"] * 6 + (["blank"] if blank else []) + (["na"] if na else [])
    kind = rng.choice(kinds)
    if kind == "blank":
        return _BLANK
    if kind == "na":
        return GenCell(raw=rng.choice(_NA_TEXTS), value=None, kind="not_applicable")
    return _number_cell(_number(rng, numbers), thousands=thousands)


@dataclass(frozen=True)
class _CellRules:
    """What a drawn cell may be, given the knobs and the layout (see _cell_rules for the reasons)."""

    thousands: bool
    blank: bool
    na: bool
    blank_at_ends: bool


def _cell_rules(knobs: Knobs, style: Style, thousands: bool) -> _CellRules:
    # A blank cell is invisible in space-separated text (a reader cannot tell which column is empty), and in
    # ragged tab rows a blank first or last value is indistinguishable from the spacer or the padding.
    return _CellRules(
        thousands=thousands,
        blank=knobs.blanks and style.layout != "spaces",
        na=knobs.blanks,
        blank_at_ends=not style.ragged,
    )


def _row_cells(seed: int, numbers: tuple[str, ...], rules: _CellRules) -> tuple[GenCell, ...]:
    if seed == 0:
        return tuple(_number_cell(0, thousands=False) for _ in numbers)
    rng = random.Random(seed)
    last = len(numbers) - 1
    cells = []
    for i, name in enumerate(numbers):
        blank = rules.blank and (rules.blank_at_ends or i not in (0, last))
        cells.append(_seeded_cell(rng, name, thousands=rules.thousands, blank=blank, na=rules.na))
    return tuple(cells)


@lru_cache(maxsize=256)
def _value_cells(numbers: tuple[str, ...], rules: _CellRules) -> st.SearchStrategy[tuple[GenCell, ...]]:
    """One row's value cells; `numbers` names each column's kind of number (count, signed, amount)."""
    return _SEEDS.map(lambda seed: _row_cells(seed, numbers, rules))


# --- strategies: label printing ------------------------------------------------------------------


@dataclass(frozen=True)
class _Printing:
    """Per-report choices of how labels are printed."""

    group_enum: str
    item_enum: str
    fullwidth_items: bool
    marker: str
    variants: bool
    spaces: bool
    seed: int = 0  # drives each label's choice of variant and inner space; 0 prints canonical labels


def _printing(draw: st.DrawFn, knobs: Knobs) -> _Printing:
    if not knobs.variants:
        return _Printing("（{}）", "{}.", False, _MARKERS[0], False, False)
    item_enum = draw(st.sampled_from(_ITEM_ENUMS))
    return _Printing(
        group_enum=draw(st.sampled_from(_GROUP_ENUMS)),
        item_enum=item_enum,
        fullwidth_items=item_enum == "{}．",
        marker=draw(st.sampled_from(_MARKERS)),
        variants=True,
        spaces=draw(st.booleans()),
        seed=draw(_SEEDS),
    )


def _label(rng: random.Random, canonical: str, variants: Sequence[str], printing: _Printing) -> str:
    """A label's text (without enumerator): canonical or a variant, maybe with a space inside."""
    if printing.seed == 0:
        return canonical
    text = rng.choice((canonical, *variants)) if printing.variants and variants else canonical
    if printing.spaces and len(text) >= 4 and rng.random() < 0.25:
        cut = rng.randint(1, len(text) - 1)
        if _is_cjk(text[cut - 1]) and _is_cjk(text[cut]):
            text = f"{text[:cut]} {text[cut:]}"
    return text


def _is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def _group_prefix(number: int, printing: _Printing) -> str:
    return printing.group_enum.format(_CN[number - 1])


def _item_prefix(number: int, printing: _Printing) -> str:
    prefix = printing.item_enum.format(number)
    return prefix.translate(_FULLWIDTH_DIGITS) if printing.fullwidth_items else prefix


# --- strategies: table 2 -------------------------------------------------------------------------


def _column_numbers(column: str) -> str:
    if column in ("amount_wan_yuan", "amount"):
        return "amount"
    return "signed" if column == "change" else "count"


def _column_key(column: str) -> str:
    return "decisions" if column == "decisions_2019" else column


def _active_blocks(draw: st.DrawFn, fmt: Fmt, printing: _Printing, rules: _CellRules) -> tuple[GenBlock, ...]:
    blocks = []
    rng = random.Random(printing.seed)
    for number, columns, rows in _BLOCKS[fmt]:
        headers = tuple(_column_header(draw, column, printing) for column in columns)
        gen_rows = []
        for key, label in rows:
            text = _label(rng, label, _ROW2_VARIANTS.get(key, ()), printing)
            cells = draw(_value_cells(tuple(_column_numbers(c) for c in columns), rules))
            keyed = tuple(zip((_column_key(c) for c in columns), cells, strict=True))
            gen_rows.append(GenRow(key, (text,), keyed))
        marker = printing.marker.format(_CN[number - 1])
        blocks.append(GenBlock(marker=marker, headers=headers, rows=tuple(gen_rows)))
    return tuple(blocks)


def _column_header(draw: st.DrawFn, column: str, printing: _Printing) -> str:
    variants = _COL_VARIANTS.get(column, ())
    if printing.variants and variants and draw(st.booleans()):
        return draw(st.sampled_from(variants))
    return _COL_LABELS[column]


# --- strategies: table 3 -------------------------------------------------------------------------


def _t3_template(single_other: bool) -> tuple[tuple[str, _Part, _Part, _Part], ...]:
    return _T3_HEAD + (_T3_OTHER_SINGLE if single_other else _T3_OTHER_SPLIT) + _T3_TAIL


def _t3_labels(
    rng: random.Random, key: str, parts: tuple[_Part, _Part, _Part], printing: _Printing
) -> tuple[str | None, ...]:
    main, group, item = parts
    out: list[str | None] = [None, None, None]
    if main:
        out[0] = f"{_CN[main[0] - 1]}、" + _label(rng, main[1], (), printing)
    if group:
        variants = () if item else _T3_VARIANTS.get(key, ())
        out[1] = _group_prefix(group[0], printing) + _label(rng, group[1], variants, printing)
    if item:
        out[2] = _item_prefix(item[0], printing) + _label(rng, item[1], _T3_VARIANTS.get(key, ()), printing)
    return tuple(out)


def _consistent_applications(seed: int, outcome_keys: Sequence[str]) -> dict[str, list[int]]:
    """Values keeping every promise of the template: rows sum to total, outcomes sum to handled_total,
    new_received + carried_over = handled_total + carried_forward."""
    rng = random.Random(seed)
    columns: list[dict[str, int]] = []
    for _ in range(6):
        column = {key: rng.choice((0, 0, rng.randint(0, 9), rng.randint(0, 60))) for key in outcome_keys}
        column["handled_total"] = sum(column[k] for k in outcome_keys)
        column["carried_forward"] = rng.choice((0, rng.randint(0, 60)))
        available = column["handled_total"] + column["carried_forward"]
        column["carried_over"] = rng.randint(0, available)
        column["new_received"] = available - column["carried_over"]
        columns.append(column)
    return {key: [*(c[key] for c in columns), sum(c[key] for c in columns)] for key in columns[0]}


def _applications(
    draw: st.DrawFn, single_other: bool, printing: _Printing, rules: _CellRules
) -> tuple[GenRow, ...]:
    template = _t3_template(single_other)
    outcome_keys = [k for k, *_ in template if k not in _NOT_OUTCOMES]
    consistent = not rules.na and draw(st.booleans())
    values = _consistent_applications(draw(_SEEDS), outcome_keys) if consistent else None
    rng = random.Random(printing.seed)
    rows = []
    for key, *parts in template:
        labels = _t3_labels(rng, key, (parts[0], parts[1], parts[2]), printing)
        if values is not None:
            cells = tuple(_number_cell(v, thousands=rules.thousands) for v in values[key])
        else:
            cells = draw(_value_cells(("count",) * 7, rules))
        rows.append(GenRow(key, labels, tuple(zip(APPLICATION_COLUMNS, cells, strict=True))))
    return tuple(rows)


# --- strategies: table 4 -------------------------------------------------------------------------


def _review(draw: st.DrawFn, rules: _CellRules) -> tuple[GenCell, ...]:
    if not rules.na and draw(st.booleans()):
        cells: list[GenCell] = []
        for _ in REVIEW_GROUPS:
            parts = [draw(st.integers(0, 9) | st.integers(0, 500)) for _ in range(4)]
            cells.extend(_number_cell(v, thousands=rules.thousands) for v in (*parts, sum(parts)))
        return tuple(cells)
    return draw(_value_cells(("count",) * 15, rules))


# --- strategies: sections ------------------------------------------------------------------------


def _paragraph(draw: st.DrawFn) -> str:
    pool = narrative_sentences()
    picks = draw(st.lists(st.sampled_from(range(len(pool))), min_size=1, max_size=4))
    return "".join(pool[i] for i in picks)


def _heading(draw: st.DrawFn, key: SectionKey, knobs: Knobs) -> str:
    ordinal = _CN[_SECTION_ORDER.index(key)]
    titles = _HEADINGS[key] if knobs.variants else _HEADINGS[key][:1]
    period = "。" if knobs.variants and draw(st.booleans()) else ""
    return f"{ordinal}、{draw(st.sampled_from(titles))}{period}"


def _overview(draw: st.DrawFn) -> tuple[str, ...]:
    if draw(st.booleans()):
        count = draw(st.integers(1, len(_OVERVIEW_SUBHEADS)))
        out: list[str] = []
        for subhead in _OVERVIEW_SUBHEADS[:count]:
            out.extend((subhead, _paragraph(draw)))
        return tuple(out)
    return tuple(_paragraph(draw) for _ in range(draw(st.integers(1, 3))))


def _ordinal_item(index: int, title: str, detail: str, *, end: str = "。") -> str:
    body = f"{title}。{detail}" if detail else title
    return f"{_CN[index]}是{body}{end}"


def _items_inline(items: Sequence[tuple[str, str]]) -> str:
    return "".join(_ordinal_item(i, t, d) for i, (t, d) in enumerate(items))


def _items_semicolon(items: Sequence[tuple[str, str]]) -> str:
    parts = [f"{_CN[i]}是{title}" for i, (title, _) in enumerate(items)]
    return "；".join(parts) + "。"


@dataclass(frozen=True)
class _Five:
    paragraphs: tuple[str, ...]
    problems: tuple[str, ...]
    improvements: tuple[str, ...]
    lead_ins: tuple[str, ...]


def _problems_improvements(draw: st.DrawFn, year: int) -> _Five:
    """Section 五 in one of the seeds' styles: paragraphs, the items' titles, standalone lead-ins."""
    problems = draw(st.lists(st.sampled_from(_PROBLEMS), min_size=2, max_size=5, unique=True))
    improvements = draw(st.lists(st.sampled_from(_IMPROVEMENTS), min_size=2, max_size=5, unique=True))
    style = draw(st.sampled_from(_FIVE_STYLES))
    p_intro = draw(st.sampled_from(_PROBLEM_INTROS)).format(year=year)
    i_intro = draw(st.sampled_from(_IMPROVEMENT_INTROS))
    if style == "inline":
        paragraphs: tuple[str, ...] = (
            p_intro + _items_inline(problems),
            i_intro + _items_inline(improvements),
        )
    elif style == "semicolon":
        paragraphs = (p_intro + _items_semicolon(problems), i_intro + _items_inline(improvements))
    elif style == "subheads":
        paragraphs = (
            "（一）存在的主要问题。" + _items_inline(problems),
            "（二）下一步改进措施。" + _items_inline(improvements),
        )
    else:
        paragraphs = (
            p_intro,
            *(_ordinal_item(i, t, d) for i, (t, d) in enumerate(problems)),
            i_intro,
            *(_ordinal_item(i, t, d) for i, (t, d) in enumerate(improvements)),
        )
    lead_ins = (p_intro, i_intro) if style == "lines" else ()
    titles = (tuple(t for t, _ in problems), tuple(t for t, _ in improvements))
    return _Five(paragraphs, *titles, lead_ins=lead_ins)


def _preamble(draw: st.DrawFn, body: str, year: int) -> tuple[str, ...]:
    title = f"{year}年政府信息公开工作年度报告"
    lines: tuple[str, ...] = (body, title) if draw(st.booleans()) else (body + title,)
    if draw(st.booleans()):
        intro = (
            f"本年度报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求，由{body}编制。"
            f"本年度报告中所列数据统计期限从{year}年1月1日至{year}年12月31日止。"
        )
        lines = (*lines, intro)
    return lines


# --- the report strategy -------------------------------------------------------------------------


def _style(draw: st.DrawFn, knobs: Knobs) -> Style:
    layout = draw(st.sampled_from(knobs.layouts))
    return Style(
        layout=layout,
        ragged=layout == "tabs" and draw(st.booleans()),
        split_headers=layout == "cells" and knobs.variants and draw(st.booleans()),
        blank_lines=draw(st.booleans()),
        seed=draw(st.integers(0, 2**16)),
        review_rows=layout == "spaces" and knobs.variants and draw(st.booleans()),
    )


def _maybe_heading(draw: st.DrawFn, key: SectionKey, knobs: Knobs, paragraphs: Sequence[str]) -> str | None:
    """The section's heading, or None when it may be left out: only where the first paragraph is a
    sub-heading that names the section (（一）主动公开情况, （一）存在的主要问题), as real reports do."""
    heading = _heading(draw, key, knobs)
    cue = _OVERVIEW_SUBHEADS[0] if key == "overview" else "（一）存在的主要问题"
    if knobs.missing_headings and paragraphs and paragraphs[0].startswith(cue) and draw(st.booleans()):
        return None
    return heading


@st.composite
def reports(draw: st.DrawFn, knobs: Knobs | None = None) -> GenReport:
    """A random report: body, year, format, the three tables, sections 一…六, and how it is laid out."""
    knobs = knobs or Knobs()
    fmt = draw(st.sampled_from(knobs.formats))
    year = draw(st.integers(2019, 2020) if fmt == "2019" else st.integers(2021, 2024))
    body = draw(st.sampled_from(_BODIES))
    style = _style(draw, knobs)
    rules = _cell_rules(knobs, style, knobs.thousands and draw(st.booleans()))
    printing = _printing(draw, knobs)
    single_other = fmt == "2019" or draw(st.integers(0, 4)) == 0
    five = _problems_improvements(draw, year)
    overview = _overview(draw)
    other = (draw(st.sampled_from(_OTHER_MATTERS)),)
    sections = (
        GenSection("preamble", None, _preamble(draw, body, year)),
        GenSection("overview", _maybe_heading(draw, "overview", knobs, overview), overview),
        GenSection("active_disclosure", _heading(draw, "active_disclosure", knobs), ()),
        GenSection("applications", _heading(draw, "applications", knobs), ()),
        GenSection("review_litigation", _heading(draw, "review_litigation", knobs), ()),
        GenSection(
            "problems_improvements",
            _maybe_heading(draw, "problems_improvements", knobs, five.paragraphs),
            five.paragraphs,
        ),
        GenSection("other_matters", _heading(draw, "other_matters", knobs), other),
    )
    org_headers = _ORG_HEADERS
    if knobs.variants and draw(st.booleans()):
        org_headers = (*_ORG_HEADERS[:2], draw(st.sampled_from(_SOCIAL_VARIANTS)), *_ORG_HEADERS[3:])
    note = draw(st.sampled_from((_APP_NOTE, _APP_NOTE_HALF, None))) if knobs.variants else _APP_NOTE
    return GenReport(
        body=body,
        year=year,
        format=fmt,
        style=style,
        sections=sections,
        active=_active_blocks(draw, fmt, printing, rules),
        app_note=note,
        org_headers=org_headers,
        applications=_applications(draw, single_other, printing, rules),
        review=_review(draw, rules),
        problems=five.problems,
        improvements=five.improvements,
        lead_ins=five.lead_ins,
    )


# --- grids ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TCell:
    text: str
    colspan: int = 1
    rowspan: int = 1
    covered: bool = False  # a position covered by a merged cell of an earlier row (HTML leaves it out)
    role: Role = "header"


Grid = tuple[tuple[TCell, ...], ...]
_COVERED = TCell("", covered=True)


def active_grid(gen: GenReport) -> Grid:
    """Table 2 as the template lays it out: four columns, each block a marker row, a header row and rows."""
    rows: list[tuple[TCell, ...]] = []
    for block in gen.active:
        rows.append((TCell(block.marker, colspan=4),))
        rows.append((TCell("信息内容"), *_spread([TCell(h) for h in block.headers], 3)))
        for row in block.rows:
            values = [TCell(cell.raw, role="value") for _, cell in row.cells]
            rows.append((TCell(row.labels[0] or "", role="label"), *_spread(values, 3)))
    return tuple(rows)


def _spread(cells: Sequence[TCell], width: int) -> tuple[TCell, ...]:
    """Cells filling `width` columns: the last one spans what the others leave (the template merges it)."""
    extra = width - len(cells)
    if extra <= 0:
        return tuple(cells)
    return (*cells[:-1], replace(cells[-1], colspan=1 + extra))


def applications_grid(gen: GenReport) -> Grid:
    """Table 3: three label columns (main, group, item) and seven value columns, under a three-row header."""
    rows = [*_applications_header(gen)]
    spans = _rowspans(gen.applications)
    for index, row in enumerate(gen.applications):
        values = tuple(TCell(cell.raw, role="value") for _, cell in row.cells)
        rows.append((*_label_cells(row, spans[index]), *values))
    return tuple(rows)


def _applications_header(gen: GenReport) -> list[tuple[TCell, ...]]:
    corner = TCell(gen.app_note or "", colspan=3, rowspan=3)
    first = (corner, TCell("申请人情况", colspan=7))
    second = (
        TCell("", colspan=3, covered=True),
        TCell("自然人", rowspan=2),
        TCell("法人或其他组织", colspan=5),
        TCell("总计", rowspan=2),
    )
    third = (TCell("", colspan=3, covered=True), _COVERED, *(TCell(h) for h in gen.org_headers), _COVERED)
    return [first, second, third]


def _rowspans(rows: Sequence[GenRow]) -> list[tuple[int, int]]:
    """For each row, how many rows its main and its group label cover (1 when it prints none)."""
    spans = []
    for index, row in enumerate(rows):
        main, group, item = row.labels
        later = rows[index + 1 :]
        main_span = 1 + _count_while(later, lambda r: r.labels[0] is None and r.labels[1:] != (None, None))
        group_span = 1 + _count_while(later, lambda r: r.labels[1] is None and r.labels[2] is not None)
        spans.append((main_span if main and (group or item) else 1, group_span if group and item else 1))
    return spans


def _count_while(rows: Iterable[GenRow], predicate: Callable[[GenRow], bool]) -> int:
    count = 0
    for row in rows:
        if not predicate(row):
            break
        count += 1
    return count


def _label_cells(row: GenRow, spans: tuple[int, int]) -> tuple[TCell, ...]:
    main, group, item = row.labels
    if main and not group and not item:
        return (TCell(main, colspan=3, role="label"),)
    first = TCell(main, rowspan=spans[0], role="label") if main else _COVERED
    if item is None:
        return (first, TCell(group or "", colspan=2, role="label"))
    second = TCell(group, rowspan=spans[1], role="label") if group else _COVERED
    return (first, second, TCell(item, role="label"))


def review_grid(gen: GenReport) -> Grid:
    """Table 4: the template's three header rows and one row of fifteen values."""
    results = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    first = (TCell("行政复议", colspan=5), TCell("行政诉讼", colspan=10))
    second = (
        *(TCell(r, rowspan=2) for r in results),
        TCell("未经复议直接起诉", colspan=5),
        TCell("复议后起诉", colspan=5),
    )
    third = (*([_COVERED] * 5), *(TCell(r) for r in results), *(TCell(r) for r in results))
    values = tuple(TCell(cell.raw, role="value") for cell in gen.review)
    return (first, second, third, values)


def table_grids(gen: GenReport) -> dict[SectionKey, Grid]:
    return {
        "active_disclosure": active_grid(gen),
        "applications": applications_grid(gen),
        "review_litigation": review_grid(gen),
    }


# --- text rendering ------------------------------------------------------------------------------

_SPLITTABLE = frozenset({"商业企业", "科研机构", "结果维持", "结果纠正", "其他结果", "尚未审结"})


def render_text(gen: GenReport) -> str:
    """The report as text in its style's layout (a trailing newline, like a saved file)."""
    grids = table_grids(gen)
    rng = random.Random(gen.style.seed)
    lines: list[str] = []
    for section in gen.sections:
        if section.heading:
            lines.append(section.heading)
        for paragraph in section.paragraphs:
            if gen.style.blank_lines:
                lines.append("")
            lines.append(paragraph)
        if section.key in grids:
            grid = grids[section.key]
            if section.key == "review_litigation" and gen.style.review_rows:
                grid = (*grid[:3], grid[3][:5], grid[3][5:10], grid[3][10:])
            lines.extend(render_grid(grid, gen.style, rng=rng))
            lines.append("")
    return "\n".join(lines) + "\n"


def render_grid(grid: Grid, style: Style, *, rng: random.Random | None = None) -> list[str]:
    """A grid as lines of text in the style's layout."""
    rng = rng or random.Random(style.seed)
    if style.layout == "cells":
        return _cells_lines(grid, split=style.split_headers, rng=rng)
    if style.layout == "spaces":
        return [line for line in (_spaces_line(row) for row in grid) if line]
    return [_tabs_line(row, ragged=style.ragged, rng=rng) for row in grid]


def _tabs_line(row: Sequence[TCell], *, ragged: bool, rng: random.Random) -> str:
    """One grid row, cells joined by tabs; a merged cell's text once, "" for the positions it covers."""
    if ragged and any(c.role == "value" for c in row):
        return _ragged_line(row, rng)
    texts: list[str] = []
    for cell in row:
        texts.extend([cell.text, *([""] * (cell.colspan - 1))])
    return "\t".join(texts)


def _ragged_line(row: Sequence[TCell], rng: random.Random) -> str:
    """songxian_2021's rows: covered labels as empty cells, maybe an empty spacer after the label, the
    values without their merged positions, and 0–2 empty cells of padding."""
    labels = [c.text for c in row if c.role != "value"]
    values = [c.text for c in row if c.role == "value"]
    spacer = [""] if rng.random() < 0.5 else []
    padding = [""] * rng.randint(0, 2)
    return "\t".join([*labels, *spacer, *values, *padding])


def _cells_lines(grid: Grid, *, split: bool, rng: random.Random) -> list[str]:
    """pengshui_2021's layout: one cell per line with a leading tab, rows separated by an empty line;
    positions covered by a rowspan are empty cells, colspan continuations are not printed."""
    lines: list[str] = []
    for row in grid:
        for cell in row:
            text = cell.text
            if split and cell.role == "header" and text in _SPLITTABLE and rng.random() < 0.7:
                text = f"{text[:2]}\n{text[2:]}"
            lines.append("\t" + text)
        lines.append("")
    return lines


def _spaces_line(row: Sequence[TCell]) -> str:
    """A PDF text layer's row: the printed texts separated by single spaces."""
    return " ".join(c.text.strip() for c in row if c.text.strip() and not c.covered)


# --- the oracle ----------------------------------------------------------------------------------


def expected_cells(gen: GenReport) -> list[tuple[TableKey, str, str, GenCell]]:
    """Every printed cell as (table, row key, column key, cell). Table 4's rows are its three groups."""
    out: list[tuple[TableKey, str, str, GenCell]] = []
    for block in gen.active:
        out.extend(("active_disclosure", row.key, col, cell) for row in block.rows for col, cell in row.cells)
    out.extend(("applications", row.key, col, cell) for row in gen.applications for col, cell in row.cells)
    for g, group in enumerate(REVIEW_GROUPS):
        for c, column in enumerate(REVIEW_COLUMNS):
            out.append(("review_litigation", group, column, gen.review[g * 5 + c]))
    return out


def mismatches(gen: GenReport, report: Report, *, text: str | None = None) -> list[str]:
    """Every difference between what was printed and what was extracted, as readable lines. Given the
    text the report was extracted from, every cell's span must also point at its raw text there."""
    found = _format_mismatches(gen, report)
    found.extend(_cell_mismatches(gen, report))
    if text is not None:
        found.extend(_span_mismatches(report, text))
    found.extend(_row_mismatches(gen, report))
    found.extend(_section_mismatches(gen, report))
    found.extend(_passage_mismatches(gen, report))
    found.extend(_problem_mismatches(gen, report))
    return found


def _format_mismatches(gen: GenReport, report: Report) -> list[str]:
    return [] if report.format == gen.format else [f"format: expected {gen.format}, got {report.format}"]


def _cell_mismatches(gen: GenReport, report: Report) -> list[str]:
    found = []
    for table_key, row, column, want in expected_cells(gen):
        table = report.tables.get(table_key)
        got = table.cell(row, column) if table else None
        where = f"{table_key}.{row}.{column} (printed {want.raw!r})"
        if got is None:
            found.append(f"{where}: missing")
        elif got.kind != want.kind or got.value != want.value or got.raw != want.raw:
            got_text = f"{got.kind} {got.value!r} raw {got.raw!r}"
            found.append(f"{where}: expected {want.kind} {want.value!r}, got {got_text}")
    return found


def _span_mismatches(report: Report, text: str) -> list[str]:
    found = []
    for table_key in ("active_disclosure", "applications", "review_litigation"):
        table = report.tables.get(table_key)
        for row in table.rows if table else ():
            for column, cell in row.cells.items():
                if cell.span is not None and text[cell.span.start : cell.span.end] != cell.raw:
                    shown = text[cell.span.start : cell.span.end]
                    found.append(f"{table_key}.{row.key}.{column}: span shows {shown!r}, raw is {cell.raw!r}")
    return found


def _row_mismatches(gen: GenReport, report: Report) -> list[str]:
    """Rows or cells the extractor found that were never printed (unmatched labels, extra columns)."""
    wanted: dict[tuple[str, str], set[str]] = {}
    for table_key, row, column, _ in expected_cells(gen):
        wanted.setdefault((table_key, row), set()).add(column)
    found = []
    for table_key in ("active_disclosure", "applications", "review_litigation"):
        table = report.tables.get(table_key)
        if table is None:
            found.append(f"{table_key}: table not found")
            continue
        found.extend(f"{table_key}: missing row {key}" for key in table.missing_rows)
        for row in table.rows:
            columns = wanted.get((table_key, row.key or ""))
            if columns is None:
                found.append(f"{table_key}: unexpected row {row.key} (label {row.label!r}, line {row.line})")
            elif extra := set(row.cells) - columns:
                found.append(f"{table_key}.{row.key}: unexpected columns {sorted(extra)}")
    return found


def _section_mismatches(gen: GenReport, report: Report) -> list[str]:
    want = [s.key for s in gen.sections]
    got = [s.key for s in report.sections]
    if want != got:
        return [f"sections: expected {want}, got {got}"]
    return [
        f"section {mine.key}: header_inferred should be {mine.heading is None}"
        for mine, theirs in zip(gen.sections, report.sections, strict=True)
        if mine.key != "preamble" and theirs.header_inferred != (mine.heading is None)
    ]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _passage_mismatches(gen: GenReport, report: Report) -> list[str]:
    section = report.section("problems_improvements")
    if section is None:
        return ["section 五 not found"]
    found = []
    for kind, titles in (("problem", gen.problems), ("improvement", gen.improvements)):
        lead_ins = {_squash(text) for text in gen.lead_ins}
        texts = [_squash(p.text) for p in section.passages if p.kind == kind]
        texts = [text for text in texts if text not in lead_ins]
        if len(texts) != len(titles):
            expected = f"{len(titles)} {kind} passages {list(titles)}"
            found.append(f"五: expected {expected}, got {len(texts)}: {texts}")
            continue
        found.extend(
            f"五: {kind} {i + 1} should contain {title!r}, got {text!r}"
            for i, (title, text) in enumerate(zip(titles, texts, strict=True))
            if _squash(title) not in text
        )
    return found


# Problems a well-formed generated report must not raise (it has every row, cell, table and section).
_FORBIDDEN_PROBLEMS = frozenset(
    {
        "section_missing",
        "section_inferred",
        "section_out_of_order",
        "table_missing",
        "table_truncated",
        "row_missing",
        "row_duplicate",
        "row_too_many_cells",
        "row_too_few_cells",
        "cell_unparseable",
        "values_without_label",
        "label_unmatched",
        "label_ambiguous",
    }
)


def _problem_mismatches(gen: GenReport, report: Report) -> list[str]:
    inferred = any(s.heading is None for s in gen.sections if s.key != "preamble")
    allowed = {"section_inferred"} if inferred else set()
    forbidden = [p for p in report.problems if p.code in _FORBIDDEN_PROBLEMS - allowed]
    return [f"problem {p.code} at line {p.line}: {p.message}" for p in forbidden]
