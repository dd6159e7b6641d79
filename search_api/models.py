"""What the HTTP API accepts and answers, beyond the indexer's own models (which it reuses as-is so the
API and `govreport search --format json` answer the same shape)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from indexer.documents import ReportDetail, ReportDoc
from indexer.query import FacetBucket, FacetName, SearchFilters, SearchQuery, SortOrder
from nlp.schema import Claim, Finding, PassageKind, Problem, Report, ReportMeta, Span, Tables
from search_api.catalog import FindingFilters, FoundFinding, ReportFilters

__all__ = [
    "MAX_COMPARE_REPORTS",
    "CheckResponse",
    "CompareBody",
    "CompareCell",
    "CompareKind",
    "CompareParams",
    "ComparePassage",
    "CompareReportRef",
    "CompareResponse",
    "CopyKind",
    "ErrorBody",
    "ErrorDetail",
    "FacetInfo",
    "FindingList",
    "FindingListParams",
    "HealthResponse",
    "NearCopy",
    "NearCopySide",
    "PassageView",
    "ReportList",
    "ReportListParams",
    "ReportSummary",
    "ReportView",
    "SearchParams",
    "TextSpan",
    "YearCount",
    "report_view",
]


class SearchParams(BaseModel):
    """The query string of GET /api/search. Lists are repeated parameters (`year=2021&year=2022`).
    Unknown parameters are ignored (cache busters, tracking tags); values are checked by the indexer."""

    model_config = ConfigDict(extra="ignore")

    q: str = Field(default="", description='Words, "quoted phrases" and -exclusions.')
    year: list[int] = Field(default_factory=list)
    province: list[str] = Field(default_factory=list)
    city: list[str] = Field(default_factory=list)
    county: list[str] = Field(default_factory=list)
    level: list[str] = Field(default_factory=list)
    section: list[str] = Field(default_factory=list)
    kind: list[str] = Field(default_factory=list)
    topic: list[str] = Field(default_factory=list)
    flag: list[str] = Field(default_factory=list)
    body: list[str] = Field(default_factory=list, description="Issuing body (发布机关).")
    report_id: list[str] = Field(default_factory=list)
    facet: list[FacetName] = Field(default_factory=list, description="Facets to count (repeatable).")
    sort: SortOrder = "relevance"
    page_size: int = 10
    page_token: str | None = Field(default=None, description="next_page_token of the previous page.")

    def to_query(self) -> SearchQuery:
        # the filter parameters carry SearchFilters' own names (a test holds the two lists together)
        filters = SearchFilters.model_validate(self.model_dump(include=set(SearchFilters.model_fields)))
        return SearchQuery(
            text=self.q,
            filters=filters,
            facets=list(self.facet),
            sort=self.sort,
            page_size=self.page_size,
            page_token=self.page_token or None,
        )


class ErrorDetail(BaseModel):
    code: str  # an nlp.errors.ErrorCode value, or http_<status> for routing errors (unknown path, method)
    message: str
    parameter: str | None = None


class ErrorBody(BaseModel):
    error: ErrorDetail


class HealthResponse(BaseModel):
    status: str  # "ok"
    backend: str
    reports: int
    passages: int


class FacetInfo(BaseModel):
    names: list[str]  # facet names GET /api/search accepts in `facet=`
    flag_titles: dict[str, dict[str, str]]  # flag value → {"zh": …, "en": …}


# --- reports and findings --------------------------------------------------------------------------


class ReportListParams(ReportFilters):
    """The query string of GET /api/reports."""

    sort: Literal["region", "year", "errors"] = Field(
        default="region", description="region (province, city, county, body, newest first), year, errors."
    )
    page: int = Field(default=1, description="Page number, from 1.")
    page_size: int = 20


class FindingListParams(FindingFilters):
    """The query string of GET /api/findings."""

    page: int = Field(default=1, description="Page number, from 1.")
    page_size: int = 20


class ReportSummary(BaseModel):
    """A report in a list: its document without the table values."""

    report_id: str
    source: str
    title: str | None = None
    issuing_body: str | None = None
    province: str | None = None
    city: str | None = None
    county: str | None = None
    level: str = "unknown"
    year: int | None = None
    format: str = "unknown"
    publication_date: str | None = None
    findings_by_rule: dict[str, int] = Field(default_factory=dict)
    findings_by_severity: dict[str, int] = Field(default_factory=dict)
    flags: list[str] = Field(default_factory=list)
    passage_count: int = 0
    problem_count: int = 0

    @classmethod
    def of(cls, doc: ReportDoc) -> ReportSummary:
        return cls.model_validate(doc.model_dump(exclude={"values"}))


class ReportList(BaseModel):
    total: int
    page: int
    page_size: int
    reports: list[ReportSummary]
    facets: dict[str, list[FacetBucket]]  # province, city, county, level, year, body


class FindingList(BaseModel):
    total: int
    page: int
    page_size: int
    findings: list[FoundFinding]
    facets: dict[str, list[FacetBucket]]  # rule, severity, and the report facets


class PassageView(BaseModel):
    ordinal: int
    section: str | None = None
    kind: PassageKind
    marker: str | None = None
    text: str
    span: Span  # offsets in the report text, line (and PDF page)


class ReportView(ReportDoc):
    """GET /api/reports/{id}: the report document (metadata, `values` under template keys, finding
    counts, flags) and, when ingest stored its detail, the three tables cell by cell (raw text, value,
    kind, line and span with the PDF page; each glued row's `decoding`, each row's `derived` cells),
    the findings with their cells and evidence, the claims with their sentence spans and verdicts, and
    the passages. `detail_stored` is false for reports indexed before details were kept."""

    detail_stored: bool = False
    media_type: str | None = None
    meta: ReportMeta | None = None
    tables: Tables | None = None
    problems: list[Problem] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    passages: list[PassageView] = Field(default_factory=list)


def report_view(doc: ReportDoc, detail: ReportDetail | None) -> ReportView:
    base = doc.model_dump()
    if detail is None:
        return ReportView(**base)
    report = detail.report
    pairs = [(s.key, p) for s in report.sections for p in s.passages]
    passages = [
        PassageView(ordinal=i, section=key, kind=p.kind, marker=p.marker, text=p.text, span=p.span)
        for i, (key, p) in enumerate(pairs)
    ]
    return ReportView(
        **base,
        detail_stored=True,
        media_type=report.media_type,
        meta=report.meta,
        tables=report.tables,
        problems=report.problems,
        findings=detail.findings,
        claims=detail.claims,
        passages=passages,
    )


class CheckResponse(BaseModel):
    """POST /api/check: the uploaded file's report (metadata, tables, sections), findings and claims,
    as `govreport check --format json` finds them; nothing is indexed."""

    source: str  # the uploaded file's name
    report: Report  # as `govreport extract --format json` prints it (schema: `govreport schema`)
    findings: list[Finding]
    claims: list[Claim]
    findings_by_severity: dict[str, int]


# --- GET /api/compare ------------------------------------------------------------------------------

CompareKind = Literal["improvement", "problem", "all"]
CopyKind = Literal["copied_prev_year", "copied_neighbour", "common_phrase"]
MAX_COMPARE_REPORTS = 500  # reports one comparison may read (each detail parsed, every passage scored)


class CompareParams(ReportFilters):
    """The query string of GET /api/compare: which reports (the report filters; none: every body in the
    index), which passages of section 五, and how much of the answer to list."""

    kind: CompareKind = Field(
        default="improvement", description="Section-五 passages compared: improvement, problem or all."
    )
    min_score: float | None = Field(
        default=None,
        ge=0,
        le=100,
        description="Lowest similarity of a near-copy (default: configs/compare.yaml).",
    )
    max_reports: int = Field(
        default=200,
        ge=1,
        le=MAX_COMPARE_REPORTS,
        description="Reports compared at most (region order); `reports_total` says how many matched.",
    )
    passages_per_cell: int = Field(
        default=5, ge=0, le=50, description="Passages listed in each matrix cell (its count is always whole)."
    )
    max_near_copies: int = Field(
        default=50,
        ge=0,
        le=500,
        description="Near-copies listed, strongest first (`near_copies_total` counts all).",
    )


class CompareReportRef(BaseModel):
    report_id: str
    year: int | None = None
    source: str = Field(description="The file, relative to the server's folder or its name.")


class CompareBody(BaseModel):
    """A row of the matrix: one body across its years (a government by its region and level, anything
    else by its name, as nlp.compare tells the same body apart from a renamed one)."""

    index: int = Field(description="Position in `bodies`, what cells and near-copy sides refer to.")
    key: str = Field(
        description="The body's identity (nlp.compare.body_key): stable across years and renamings."
    )
    name: str | None = Field(default=None, description="The issuing body as its latest report prints it.")
    province: str | None = None
    city: str | None = None
    county: str | None = None
    level: str = "unknown"
    years: list[int] = Field(default_factory=list, description="The years of its reports, ascending.")
    reports: list[CompareReportRef] = Field(default_factory=list, description="Its reports, newest first.")
    passages: int = Field(
        default=0, description="Section-五 passages of the compared kind, with or without a topic."
    )


class ComparePassage(BaseModel):
    """A section-五 passage; `passage_id` is the id search hits carry, `ordinal` its position among the
    report's passages (the `passages` of GET /api/reports/{report_id})."""

    passage_id: str
    report_id: str
    ordinal: int
    year: int | None = None
    kind: PassageKind
    marker: str | None = None
    line: int
    text: str


class YearCount(BaseModel):
    year: int | None
    count: int


class CompareCell(BaseModel):
    """Matrix cell: the passages of one body that carry one topic (a passage of several topics counts in
    each). Only cells holding at least one passage are listed."""

    body: int = Field(description="Index into `bodies`.")
    topic: str = Field(description="One of `topics`.")
    count: int
    by_year: list[YearCount] = Field(description="Its passages per year, newest first.")
    passages: list[ComparePassage] = Field(description="The first passages_per_cell, newest year first.")


class TextSpan(BaseModel):
    start: int = Field(description="First character of the span in the side's `text` (offset from 0).")
    end: int = Field(description="One past its last character.")


class NearCopySide(ComparePassage):
    body: int = Field(description="Index into `bodies`.")
    issuing_body: str | None = None
    source: str
    shared_spans: list[TextSpan] = Field(
        default_factory=list,
        description="Where the runs of `shared` lie in this side's `text`, to highlight them.",
    )


class NearCopy(BaseModel):
    """Two passages saying the same thing after normalisation (nlp.compare): `copied_prev_year` (a is
    the later report of the same body, b the earlier), `copied_neighbour` (another body of the same city,
    the same year) or `common_phrase` (template language many bodies share; not counted as copying)."""

    kind: CopyKind
    score: float = Field(description="0–100, rapidfuzz over jieba tokens of the normalised passages.")
    weight: float = Field(
        description="1 for copies, configs/compare.yaml common_weight for template language."
    )
    spread: int = Field(description="Distinct bodies with a near-duplicate of either passage.")
    a: NearCopySide
    b: NearCopySide
    shared: str = Field(description="The runs both passages print, joined by ….")


class CompareResponse(BaseModel):
    """GET /api/compare: a body × topic matrix of section-五 passages and the near-copies among them.

    `bodies` are the rows, `topics` the columns (configs/topics.yaml order, those present), `cells` the
    non-empty intersections; every index in a cell or a near-copy side points into `bodies`."""

    kind: CompareKind
    min_score: float
    reports_total: int = Field(description="Reports matching the filters.")
    reports_compared: int = Field(description="At most max_reports of them, in region order.")
    reports_without_detail: int = Field(
        description="Indexed before details were kept: not comparable until ingested again."
    )
    bodies: list[CompareBody]
    topics: list[str]
    cells: list[CompareCell]
    near_copies_total: int
    near_copies: list[NearCopy] = Field(
        description="Strongest first (score × weight), at most max_near_copies."
    )
