"""Plan-comparison throughput and recall on a synthetic corpus built from the seeds' section 五.

    python bench/compare.py [--reports 10000] [--passages 6] [--seed 7] [--no-exact]

Bodies are counties of synthetic cities and provinces, each reporting every year 2019–2024. A passage
is fresh (2–3 clauses drawn from the seeds' problems and improvements, plus a body-specific clause), a
copy of the same body's passage of last year (years changed, a character or two edited), a copy of a
neighbour's passage the same year (names swapped, edited), or a stock template passage many bodies use.
The planted copies are the ground truth.

Prints: corpus size, wall time of `find_matches` through the LSH index (candidates scored, pairs/s),
match counts by kind, recall of planted copies, and — unless --no-exact — the exact answer over every
related pair (same body, or same city and year) scored by brute force, with the LSH path's agreement.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import os
import platform
import random
import re
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

from rapidfuzz import fuzz, process

from nlp.compare import body_key, find_matches, neighbourhood_key
from nlp.compare.config import CompareConfig, load_compare_config
from nlp.compare.index import PassageRecord, scored_pairs
from nlp.compare.text import body_names, normalise_passage
from nlp.extract import extract_text
from nlp.schema import Passage, Region, Report, ReportMeta, Section, Span

ROOT = Path(__file__).resolve().parent.parent
YEARS = range(2019, 2025)
MARKERS = ["一是", "二是", "三是", "四是", "五是", "六是", "七是", "八是"]
_CJK = "".join(chr(c) for c in range(0x4E00, 0x9FA5))


def seed_clauses() -> list[str]:
    """Clauses of every section-五 passage of the seeds (markers and lead-ins dropped)."""
    clauses: list[str] = []
    for path in sorted((ROOT / "samples" / "seeds").glob("*.txt")):
        section = extract_text(path.read_text(encoding="utf-8"), source=path.name).section(
            "problems_improvements"
        )
        for passage in section.passages if section else []:
            if passage.kind != "other":
                text = re.sub(r"^[一二三四五六七八九十]+是", "", passage.text)
                clauses += [c for c in re.split(r"[，。；,;]", text) if len(c) >= 6]
    return sorted(set(clauses))


@dataclasses.dataclass
class Body:
    name: str
    province: str
    city: str
    county: str


def bodies_for(count: int) -> list[Body]:
    per_city, per_province = 17, 10
    found = []
    for n in range(count):
        p, c = n // (per_city * per_province), n // per_city
        county = f"{_name(n, 'county')}县"
        found.append(Body(f"{county}人民政府", f"{_name(p, 'province')}省", f"{_name(c, 'city')}市", county))
    return found


def _name(n: int, salt: str) -> str:
    digest = hashlib.sha256(f"{salt}{n}".encode()).digest()
    return "".join(_CJK[int.from_bytes(digest[k : k + 2], "big") % len(_CJK)] for k in (0, 2))


def _edit(text: str, rng: random.Random, *, edits: int) -> str:
    chars = list(text)
    for _ in range(edits):
        k = rng.randrange(len(chars))
        chars[k] = rng.choice(_CJK)
    return "".join(chars)


Key = tuple[str, int, int]  # (body name, year, passage index)


class Generator:
    def __init__(self, clauses: Sequence[str], *, seed: int, passages: int) -> None:
        self.rng = random.Random(seed)
        self.clauses = list(clauses)
        self.passages = passages
        self.stock = [self.fresh(None) for _ in range(5)]
        self.planted: set[tuple[Key, Key]] = set()  # (copy, source)
        self.template: set[Key] = set()  # stock passages and copies of them: not planted copies

    def fresh(self, body: Body | None) -> str:
        parts = self.rng.sample(self.clauses, k=self.rng.choice((2, 3)))
        if body:
            parts.append(f"{body.county}{self.rng.choice(self.clauses)}{self.rng.randrange(10, 99)}项")
        return "，".join(parts) + "。"

    def _copy(self, key: Key, source: Key, text: str) -> str:
        if source in self.template:
            self.template.add(key)
        else:
            self.planted.add((key, source))
        return _edit(text, self.rng, edits=self.rng.randint(0, 2))

    def passage(self, body: Body, year: int, k: int, last: list[str] | None, near: Neighbour | None) -> str:
        roll, key = self.rng.random(), (body.name, year, k)
        if last and roll < 0.3:
            return self._copy(key, (body.name, year - 1, k), last[k].replace(str(year - 1), str(year)))
        if near and roll < 0.4:
            other, plan = near
            return self._copy(key, (other.name, year, k), plan[k].replace(other.county, body.county))
        if roll < 0.45:
            self.template.add(key)
            return self.rng.choice(self.stock)
        return self.fresh(body)

    def plan(self, body: Body, year: int, last: list[str] | None, near: Neighbour | None) -> list[str]:
        return [self.passage(body, year, k, last, near) for k in range(self.passages)]


Neighbour = tuple[Body, list[str]]


def report_of(body: Body, year: int, texts: Sequence[str]) -> Report:
    passages, start = [], 0
    for line, text in enumerate(texts, start=1):
        printed = f"{MARKERS[line - 1]}{text}"
        span = Span(start=start, end=start + len(printed), line=line, end_line=line)
        passages.append(Passage(kind="improvement", marker=MARKERS[line - 1], text=printed, span=span))
        start += len(printed) + 1
    whole = "\n".join(p.text for p in passages)
    region = Region(province=body.province, city=body.city, county=body.county)
    meta = ReportMeta(issuing_body=body.name, region=region, level="county", year=year)
    whole_span = Span(start=0, end=len(whole), line=1, end_line=len(texts))
    title = "五、存在的主要问题及改进情况"
    section = Section(
        key="problems_improvements", title=title, text=whole, span=whole_span, passages=passages
    )
    digest = hashlib.sha256(f"{body.name}{year}{whole}".encode()).hexdigest()
    source = f"{body.county}_{year}.txt"
    return Report(
        source=source, sha256=digest, year=year, issuing_body=body.name, meta=meta, sections=[section]
    )


def build_corpus(n_reports: int, *, passages: int, seed: int) -> tuple[list[Report], Generator]:
    gen = Generator(seed_clauses(), seed=seed, passages=passages)
    bodies = bodies_for(max(1, n_reports // len(YEARS)))
    plans: dict[tuple[str, int], list[str]] = {}
    reports = []
    for year in YEARS:
        for n, body in enumerate(bodies):
            before = bodies[n - 1] if n % 17 else None  # the previous county of the same city
            near = (before, plans[(before.name, year)]) if before else None
            plans[(body.name, year)] = gen.plan(body, year, plans.get((body.name, year - 1)), near)
            reports.append(report_of(body, year, plans[(body.name, year)]))
    return reports, gen


def _rows(
    reports: Sequence[Report], *, config: CompareConfig
) -> list[tuple[str, str | None, int, str, int, str]]:
    rows = []
    for r in reports:
        names = body_names(r, config=config)
        body, near = body_key(r, config=config), neighbourhood_key(r, config=config)
        for p in r.sections[0].passages:
            norm = normalise_passage(p.text, names=names, config=config)
            rows.append((body, near, r.meta.year or 0, r.sha256, p.span.start, norm))
    return rows


def index_stats(reports: Sequence[Report], *, config: CompareConfig) -> None:
    """The blocking step alone: candidates scored and pairs/s through nlp.compare.index."""
    rows = _rows(reports, config=config)
    records = [PassageRecord(body=b, neighbourhood=n, year=y, norm=t) for b, n, y, _, _, t in rows]
    started = time.perf_counter()
    scored = scored_pairs(records, min_score=config.min_score, config=config)
    elapsed = time.perf_counter() - started
    print(f"scored_pairs (LSH): {elapsed:.1f} s, {scored.candidates} candidate pairs scored "
          f"({scored.candidates / elapsed:,.0f} pairs/s end to end), {len(scored.pairs)} kept")  # fmt: skip


Pair = tuple[Key, Key]


def _key(report: Report, start: int) -> Key:
    index = next(k for k, p in enumerate(report.sections[0].passages) if p.span.start == start)
    return (report.meta.issuing_body or "", report.meta.year or 0, index)


def exact_matches(reports: Sequence[Report], *, config: CompareConfig) -> set[frozenset[Key]]:
    """Brute force over every related pair: cdist within each body and within each city-year."""
    rows = _rows(reports, config=config)
    keys = [
        (r.meta.issuing_body or "", r.meta.year or 0, k)
        for r in reports
        for k in range(len(r.sections[0].passages))
    ]
    groups: dict[object, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        groups[("body", row[0])].append(i)
        groups[("near", row[1], row[2])].append(i)
    found: set[frozenset[Key]] = set()
    for members in groups.values():
        norms = [rows[i][5] for i in members]
        matrix = process.cdist(norms, norms, scorer=fuzz.ratio, score_cutoff=config.min_score, workers=-1)
        for x, y in zip(*matrix.nonzero(), strict=True):
            a, b = rows[members[x]], rows[members[y]]
            related = 0 < abs(a[2] - b[2]) <= config.max_year_gap if a[0] == b[0] else a[2] == b[2]
            if x < y and related:
                found.add(frozenset((keys[members[x]], keys[members[y]])))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--passages", type=int, default=6)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-exact", action="store_true")
    parser.add_argument("--bands", type=int, help="LSH bands (default: configs/compare.yaml)")
    parser.add_argument("--rows", type=int, help="LSH rows per band (default: configs/compare.yaml)")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cpu(s), python {platform.python_version()}")
    started = time.perf_counter()
    reports, gen = build_corpus(args.reports, passages=args.passages, seed=args.seed)
    n_passages = sum(len(r.sections[0].passages) for r in reports)
    print(f"corpus: {len(reports)} reports, {n_passages} passages, {len(gen.planted)} planted copies, "
          f"{len(gen.template)} template passages ({time.perf_counter() - started:.1f} s)")  # fmt: skip
    config = dataclasses.replace(load_compare_config(), exhaustive_max_passages=0)
    config = dataclasses.replace(
        config, lsh_bands=args.bands or config.lsh_bands, lsh_rows=args.rows or config.lsh_rows
    )
    print(f"LSH: {config.lsh_bands} bands x {config.lsh_rows} rows, shingles of {config.shingle_size}")
    index_stats(reports, config=config)
    started = time.perf_counter()
    matches = find_matches(reports, config=config)
    elapsed = time.perf_counter() - started
    print(
        f"find_matches (LSH, end to end): {elapsed:.1f} s wall, {len(reports) / elapsed:,.0f} reports/s, "
        f"{len(matches)} matches: "
        + ", ".join(f"{k} {n}" for k, n in sorted(Counter(m.kind for m in matches).items()))
    )
    by_sha = {r.sha256: r for r in reports}
    kinds = {
        frozenset((_key(by_sha[m.a.sha256], m.a.start), _key(by_sha[m.b.sha256], m.b.start))): m.kind
        for m in matches
    }
    planted = {frozenset(pair) for pair in gen.planted}
    as_copy = sum(1 for p in planted if kinds.get(p, "").startswith("copied"))
    print(f"  planted copies found: {sum(p in kinds for p in planted)}/{len(planted)}, "
          f"classified copied_*: {as_copy} ({as_copy / max(1, len(planted)):.3f})")  # fmt: skip
    template_hits = sum(1 for p, k in kinds.items() if p & gen.template and k == "common_phrase")
    print(f"  matches touching template passages classified common_phrase: {template_hits}/"
          f"{sum(1 for p in kinds if p & gen.template)}")  # fmt: skip
    if not args.no_exact:
        started = time.perf_counter()
        exact = {p for p in exact_matches(reports, config=config) if not p & gen.template}
        got = {p for p in kinds if not p & gen.template}
        print(f"exact over related non-template pairs (brute force): {time.perf_counter() - started:.1f} s, "
              f"{len(exact)} matches; LSH recall {len(exact & got) / max(1, len(exact)):.4f}, "
              f"precision {len(exact & got) / max(1, len(got)):.4f}")  # fmt: skip


if __name__ == "__main__":
    main()
