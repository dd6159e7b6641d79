"""Mapping printed table labels onto the canonical keys of docs/template.md.

Everything the aligner knows comes from `configs/labels.yaml`. A label is compared, after
`normalize_label`, with every canonical label and variant of the candidate table: an equal string is an
exact or variant match; otherwise the score is the better of rapidfuzz's ratio on the normalised strings
and a token-set ratio over jieba tokens (weighted by how much of the longer label the shorter covers, so
that 其他 does not match every label that contains 其他). Short labels that several rows share (其他,
总计, 其他处理) are resolved by context: the group they sit in and their enumerator.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

from rapidfuzz import fuzz, process

from nlp.config import load_yaml
from nlp.errors import ErrorCode, GovReportError
from nlp.normalize import normalize_label, split_enumerator
from nlp.schema import Alignment, AlignMethod, Candidate, TableKey
from nlp.segment import words

__all__ = ["TABLE_KEYS", "Block", "LabelAligner", "RowSpec", "get_aligner"]

TABLE_KEYS: tuple[TableKey, ...] = ("active_disclosure", "applications", "review_litigation")


@dataclass(frozen=True)
class RowSpec:
    """One canonical row: its key, table, printed forms and the context that tells it apart."""

    key: str
    table: TableKey
    label: str
    variants: tuple[str, ...] = ()
    group: str | None = None
    block: str | None = None
    formats: tuple[str, ...] = ("2019", "2021")


@dataclass(frozen=True)
class Block:
    """A block of table 2 (第二十条第（一）项 …): its rows and its columns per template format."""

    key: str
    marker: str
    columns: Mapping[str, tuple[str, ...]]
    rows: tuple[str, ...]
    formats: tuple[str, ...] = ("2019", "2021")


@dataclass(frozen=True)
class _Form:
    text: str  # normalised
    tokens: str  # jieba tokens joined by spaces
    key: str
    method: str  # exact | variant


@lru_cache(maxsize=8192)
def _tokens(norm: str) -> str:
    return " ".join(t for t in words(norm) if t.strip())


def _require(config: Mapping[str, Any], name: str) -> Any:
    if name not in config:
        raise GovReportError(ErrorCode.CONFIG_INVALID, f"labels.yaml lacks '{name}'", source="labels.yaml")
    return config[name]


class LabelAligner:
    """Row, column, header and title recognition for the three tables, built from labels.yaml."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        tables = cast(Mapping[str, Any], _require(config, "tables"))
        self.threshold = float(config.get("threshold", 78))
        self.margin = float(config.get("ambiguity_margin", 2.0))
        self.ambiguous_labels = frozenset(normalize_label(s) for s in config.get("ambiguous_labels", ()))
        self.tables: Mapping[str, Any] = tables
        self._cache: dict[tuple[str, tuple[TableKey, ...]], list[tuple[str, float, str]]] = {}
        self._title_cache: dict[str, TableKey | None] = {}
        self.rows: dict[str, RowSpec] = {}
        self.blocks: tuple[Block, ...] = self._load_blocks(tables.get("active_disclosure", {}))
        self._load_applications(tables.get("applications", {}))
        self._forms: dict[TableKey, tuple[_Form, ...]] = {t: self._build_forms(t) for t in TABLE_KEYS}
        self._titles = self._build_titles(tables)
        self._columns = {t: self._column_forms(t) for t in TABLE_KEYS}
        self._header_prefixes = {
            t: tuple(normalize_label(p) for p in tables.get(t, {}).get("header_prefixes", ()))
            for t in TABLE_KEYS
        }
        self._headers = {t: self._normalised(tables.get(t, {}).get("header_labels", ())) for t in TABLE_KEYS}
        self.groups: dict[str, str] = {
            normalize_label(name): name for name in tables.get("applications", {}).get("groups", {})
        }
        self.parents = frozenset(normalize_label(s) for s in config.get("parent_labels", ("本年度办理结果",)))
        self.note_markers = tuple(tables.get("applications", {}).get("note_markers", ("勾稽关系",)))
        self._placeholders = tuple(re.compile(p) for p in config.get("placeholder_headers", ()))

    # --- loading -----------------------------------------------------------------------------

    @staticmethod
    def _normalised(labels: Iterable[str]) -> frozenset[str]:
        return frozenset(normalize_label(s) for s in labels)

    def _load_blocks(self, table: Mapping[str, Any]) -> tuple[Block, ...]:
        blocks = []
        for raw in table.get("blocks", ()):
            columns = {fmt: tuple(cols) for fmt, cols in raw.get("columns", {}).items()}
            formats = tuple(raw.get("formats", ("2019", "2021")))
            for key, spec in raw.get("rows", {}).items():
                self.rows[key] = RowSpec(
                    key=key,
                    table="active_disclosure",
                    label=spec["label"],
                    variants=tuple(spec.get("variants", ())),
                    block=raw["key"],
                    formats=tuple(spec.get("formats", formats)),
                )
            blocks.append(Block(raw["key"], raw["marker"], columns, tuple(raw.get("rows", {})), formats))
        return tuple(blocks)

    def _load_applications(self, table: Mapping[str, Any]) -> None:
        for spec in table.get("rows", ()):
            self.rows[spec["key"]] = RowSpec(
                key=spec["key"],
                table="applications",
                label=spec["label"],
                variants=tuple(spec.get("variants", ())),
                group=spec.get("group") or spec.get("single_row_of_group"),
            )

    def _build_forms(self, table: TableKey) -> tuple[_Form, ...]:
        forms: list[_Form] = []
        for spec in self.rows.values():
            if spec.table != table:
                continue
            for text, method in [(spec.label, "exact"), *((v, "variant") for v in spec.variants)]:
                norm = normalize_label(text)
                forms.append(_Form(norm, _tokens(norm), spec.key, method))
        return tuple(forms)

    def _build_titles(self, tables: Mapping[str, Any]) -> dict[str, TableKey]:
        titles: dict[str, TableKey] = {}
        for key in TABLE_KEYS:
            spec = tables.get(key, {})
            for text in [spec.get("title", ""), *spec.get("title_variants", ())]:
                if text:
                    titles[normalize_label(text).rstrip("。.")] = key
        return titles

    # --- recognition of structural labels ------------------------------------------------------

    def title_table(self, label: str) -> TableKey | None:
        """The table whose section title `label` is (一、…情况 headings), if it is one."""
        norm = normalize_label(label).rstrip("。.")
        if norm not in self._title_cache:
            self._title_cache[norm] = self._title_of(norm)
        return self._title_cache[norm]

    def _title_of(self, norm: str) -> TableKey | None:
        if norm in self._titles:
            return self._titles[norm]
        found = process.extractOne(norm, list(self._titles), scorer=fuzz.ratio)
        return self._titles[found[0]] if found and found[1] >= max(self.threshold, 85.0) else None

    def block_of_marker(self, label: str) -> Block | None:
        """The table-2 block whose marker (第二十条第（一）项) `label` is."""
        norm = normalize_label(label)
        if not norm.startswith("第二十条"):
            return None
        return next((b for b in self.blocks if normalize_label(b.marker) == norm), None)

    def is_placeholder(self, text: str) -> bool:
        """A column header a converter invented (列1): it names nothing of the template."""
        stripped = text.strip()
        return any(p.match(stripped) for p in self._placeholders)

    def is_note(self, label: str) -> bool:
        """The corner note of table 3 (本列数据的勾稽关系为…)."""
        return any(marker in label for marker in self.note_markers)

    def header_table(self, label: str, *, table: TableKey | None = None) -> TableKey | None:
        """The table whose column header `label` is; `table` is tried first."""
        enumerator, norm = split_enumerator(label)
        if enumerator:
            return None
        order = [table] if table else []
        order += [t for t in TABLE_KEYS if t != table]
        for key in order:
            if norm in self._headers[key] or norm in self._column_labels(key):
                return key
            if norm.startswith(self._header_prefixes[key]):
                return key
        return None

    def is_distinctive_header(self, label: str, *, table: TableKey) -> bool:
        """A header only this table prints (申请人情况, 法人或其他组织), unlike bare column words (总计):
        enough to start the table when its title and corner note are missing."""
        return split_enumerator(label)[1] in self._headers[table]

    def _column_labels(self, table: TableKey) -> frozenset[str]:
        return self._columns[table]

    def _column_forms(self, table: TableKey) -> frozenset[str]:
        forms: set[str] = set()
        for spec in self.tables.get(table, {}).get("column_labels", {}).values():
            labels = [spec] if isinstance(spec, str) else [spec["label"], *spec.get("variants", ())]
            forms.update(normalize_label(s) for s in labels)
        return frozenset(forms)

    def column_key(self, table: TableKey, label: str) -> str | None:
        """The column key a printed column header stands for, or None."""
        norm = normalize_label(label)
        for key, spec in self.tables.get(table, {}).get("column_labels", {}).items():
            forms = [spec] if isinstance(spec, str) else [spec["label"], *spec.get("variants", ())]
            if norm in {normalize_label(f) for f in forms}:
                return str(key)
        return None

    def part_kind(self, label: str) -> tuple[str, str] | None:
        """("group", 不予公开) or ("parent", 本年度办理结果) when the label is a row-label prefix."""
        norm = normalize_label(label)
        if norm in self.groups:
            return "group", self.groups[norm]
        if norm in self.parents:
            return "parent", norm
        return None

    # --- rows ----------------------------------------------------------------------------------

    def align_row(
        self,
        label: str,
        *,
        table: TableKey | None = None,
        group: str | None = None,
        line: int | None = None,
    ) -> Alignment:
        """The canonical row `label` names, in `table` (or in whichever table fits best)."""
        enumerator, norm = split_enumerator(label)
        tables: Sequence[TableKey] = [table] if table else TABLE_KEYS
        scored = self._scored(norm, tables)
        if not scored:
            return Alignment(raw_label=label, key=None, score=0.0, method="fuzzy", table=table, line=line)
        narrowed = self._narrow_by_context(scored, norm=norm, enumerator=enumerator, group=group)
        best_key, best_score, best_method = narrowed[0]
        method = cast(AlignMethod, best_method)
        if narrowed is not scored and (narrowed[0][0] != scored[0][0] or norm in self.ambiguous_labels):
            method = "context"
        candidates = [Candidate(key=k, score=s) for k, s, _ in narrowed[1:4]]
        row_table = self.rows[best_key].table
        if best_score < self.threshold:
            cands = [Candidate(key=k, score=s) for k, s, _ in scored[:3]]
            return Alignment(
                raw_label=label,
                key=None,
                score=best_score,
                method="fuzzy",
                table=table,
                line=line,
                candidates=cands,
            )
        return Alignment(
            raw_label=label,
            key=best_key,
            score=best_score,
            method=method,
            table=row_table,
            line=line,
            candidates=candidates,
        )

    def _scored(self, norm: str, tables: Sequence[TableKey]) -> list[tuple[str, float, str]]:
        """(key, score, method) per canonical row, best first; equal strings score 100 (cached)."""
        cache_key = (norm, tuple(tables))
        if cache_key not in self._cache:
            self._cache[cache_key] = self._score_all(norm, tables)
        return self._cache[cache_key]

    def _score_all(self, norm: str, tables: Sequence[TableKey]) -> list[tuple[str, float, str]]:
        forms = [f for key in tables for f in self._forms[key]]
        if not forms:
            return []
        ratios = process.cdist([norm], [f.text for f in forms], scorer=fuzz.ratio)[0]
        sets = process.cdist([_tokens(norm)], [f.tokens for f in forms], scorer=fuzz.token_set_ratio)[0]
        best: dict[str, tuple[float, str]] = {}
        for form, ratio, token_set in zip(forms, ratios, sets, strict=True):
            if form.text == norm:
                score, method = 100.0, form.method
            else:
                shorter, longer = sorted((len(norm), len(form.text)))
                coverage = shorter / longer if longer else 0.0
                score, method = (
                    round(max(float(ratio), float(token_set) * (0.5 + 0.5 * coverage)), 2),
                    "fuzzy",
                )
            if score > best.get(form.key, (-1.0, ""))[0]:
                best[form.key] = (score, method)
        ranked = sorted(best.items(), key=lambda kv: -kv[1][0])
        return [(k, s, m) for k, (s, m) in ranked]

    def _narrow_by_context(
        self,
        scored: list[tuple[str, float, str]],
        *,
        norm: str,
        enumerator: str | None,
        group: str | None,
    ) -> list[tuple[str, float, str]]:
        """Keep the rows the context allows: items numbered 1. 2. … belong to the current group;
        a top-level label （七）总计 belongs to no group."""
        if enumerator is None and norm not in self.ambiguous_labels:
            return scored
        item = enumerator is not None and enumerator[0].isdigit()
        if group and (item or enumerator is None):
            allowed = [r for r in scored if self.rows[r[0]].group == group]
        elif enumerator and not item:
            allowed = [r for r in scored if self.rows[r[0]].group is None or r[0] == "other_handling"]
        else:
            return scored
        return allowed if allowed and allowed[0][1] >= self.threshold else scored

    # --- template ----------------------------------------------------------------------------

    def block_of_row(self, key: str) -> Block | None:
        spec = self.rows.get(key)
        return next((b for b in self.blocks if b.key == spec.block), None) if spec else None

    def application_columns(self) -> tuple[str, ...]:
        return tuple(self.tables.get("applications", {}).get("columns", ()))

    def review_columns(self) -> tuple[str, ...]:
        spec = self.tables.get("review_litigation", {})
        return tuple(f"{g}_{c}" for g in spec.get("groups", {}) for c in spec.get("columns", ()))

    def review_groups(self) -> tuple[str, ...]:
        return tuple(self.tables.get("review_litigation", {}).get("groups", {}))

    def application_rows(self, *, single_other: bool) -> tuple[str, ...]:
        outcome = self.outcome_rows(single_other=single_other)
        return ("new_received", "carried_over", *outcome, "handled_total", "carried_forward")

    def outcome_rows(self, *, single_other: bool) -> tuple[str, ...]:
        spec = self.tables.get("applications", {})
        return tuple(spec.get("outcome_rows_single_other" if single_other else "outcome_rows_2021", ()))

    def disclosure_rows(self, fmt: str) -> tuple[str, ...]:
        return tuple(
            key
            for block in self.blocks
            if fmt in block.formats
            for key in block.rows
            if fmt in self.rows[key].formats
        )

    def format_2019_markers(self) -> frozenset[str]:
        return self._normalised(self.tables.get("active_disclosure", {}).get("format_2019_markers", ()))


@lru_cache(maxsize=1)
def get_aligner() -> LabelAligner:
    """The aligner for the configured labels.yaml (built once per process)."""
    return LabelAligner(load_yaml("labels.yaml"))
