"""What the HTTP API accepts and answers, beyond the indexer's own models (which it reuses as-is so the
API and `govreport search --format json` answer the same shape)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from indexer.query import FacetName, SearchFilters, SearchQuery, SortOrder

__all__ = ["ErrorBody", "ErrorDetail", "FacetInfo", "HealthResponse", "SearchParams"]


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
