"""The Elasticsearch backend, through the official client (major version pinned to the server's: 9).

One versioned index (`<alias>-v<N>`) behind an alias holds report and passage documents (`doc_type`).
Stock analyzers only: `text` keeps the original with the standard analyzer (one token per CJK
character, so a phrase query is an exact substring and highlights show the original); `words` holds
jieba words joined by spaces under the whitespace analyzer, for relevance. Keyword fields serve
filters and terms aggregations; paging is search_after, carried in the opaque page token.

Request bodies are built by pure functions (`search_body`, `bulk_actions`, `alias_swap_actions`,
`index_template_body`) that the unit tests assert; the class only sends them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from indexer.backends._shared import FACET_LIMIT, hit_from_doc, load_or_create_key, token_key_of
from indexer.backends.base import (
    BackendStats,
    IndexFailure,
    IndexOutcome,
    ReportLookup,
    passage_words,
)
from indexer.documents import PassageDoc, ReportBundle, ReportDetail, ReportDoc
from indexer.query import (
    CheckedQuery,
    FacetBucket,
    Hit,
    SearchQuery,
    SearchResult,
    TextQuery,
    check_query,
    encode_page_token,
)
from indexer.tokens import word_tokens, words_field
from nlp.errors import ErrorCode, GovReportError
from nlp.settings import Settings

__all__ = [
    "FIELD_OF",
    "ElasticsearchBackend",
    "RebuildReader",
    "alias_swap_actions",
    "bulk_actions",
    "facet_aggs",
    "filter_clauses",
    "index_template_body",
    "load_mappings",
    "lookup_body",
    "reports_body",
    "search_body",
    "sort_clause",
    "text_clause",
]

WORDS_BOOST = 3.0
# filter / facet name → keyword field
FIELD_OF: dict[str, str] = {
    "province": "province",
    "city": "city",
    "county": "county",
    "level": "level",
    "year": "year",
    "section": "section",
    "kind": "kind",
    "topic": "topics",
    "flag": "flags",
    "body": "issuing_body",
    "report_id": "report_id",
}
_MARK = {"pre_tags": ["<mark>"], "post_tags": ["</mark>"], "encoder": "html"}


# --- configuration → request bodies (pure) --------------------------------------------------------


def _strip_comments(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if not k.startswith("_")}


def load_mappings(config_dir: Path) -> dict[str, Any]:
    return _strip_comments(_read_json(config_dir / "es" / "mappings.json"))


def index_template_body(config_dir: Path, *, alias: str) -> dict[str, Any]:
    """The composable index template for `<alias>-v*`, settings and mappings from configs/es/."""
    template = _strip_comments(_read_json(config_dir / "es" / "index_template.json"))
    template["index_patterns"] = [f"{alias}-v*"]
    template.setdefault("template", {})["mappings"] = load_mappings(config_dir)
    return template


def alias_swap_actions(alias: str, *, old: Sequence[str], new: str) -> list[dict[str, Any]]:
    """One atomic update_aliases request: the alias leaves every old index and points at the new one."""
    actions: list[dict[str, Any]] = [{"remove": {"index": name, "alias": alias}} for name in old]
    actions.append({"add": {"index": new, "alias": alias, "is_write_index": True}})
    return actions


def _passage_source(doc: PassageDoc, *, words: str | None = None) -> dict[str, Any]:
    source = doc.model_dump()
    source.update(doc_type="passage", words=words_field(doc.text) if words is None else words)
    return source


def bulk_actions(bundles: Sequence[ReportBundle], *, index: str) -> Iterator[dict[str, Any]]:
    """Bulk index actions: one per report (`report:<id>`) and one per passage (its passage_id)."""
    for bundle in bundles:
        report = bundle.report.model_dump()
        report["doc_type"] = "report"
        if bundle.detail is not None:  # stored, never indexed (mapping: enabled false)
            report["detail"] = bundle.detail.model_dump(mode="json")
        yield {
            "_op_type": "index",
            "_index": index,
            "_id": f"report:{bundle.report.report_id}",
            "_source": report,
        }
        for passage, words in zip(bundle.passages, passage_words(bundle), strict=True):
            yield {
                "_op_type": "index",
                "_index": index,
                "_id": passage.passage_id,
                "_source": _passage_source(passage, words=words),
            }


REPORTS_PAGE = 500  # report documents fetched per request when listing them all


def reports_body(after: str | None = None, *, size: int = REPORTS_PAGE) -> dict[str, Any]:
    """One page of every report document (without its stored detail), in report id order; `after` is
    the last report id of the previous page."""
    body: dict[str, Any] = {
        "query": {"bool": {"filter": [{"term": {"doc_type": "report"}}]}},
        "size": size,
        "sort": [{"report_id": "asc"}],
        "_source": {"excludes": ["detail", "doc_type"]},
    }
    if after is not None:
        body["search_after"] = [after]
    return body


LOOKUP_SIZE = 10_000  # reports a lookup returns at most (one city's bodies over a few years)


def _equal(field: str, value: str | None) -> dict[str, Any]:
    """A filter for field == value, where None means the field is absent (as ReportLookup compares)."""
    if value is None:
        return {"bool": {"must_not": [{"exists": {"field": field}}]}}
    return {"term": {field: value}}


def lookup_body(lookup: ReportLookup, *, size: int = LOOKUP_SIZE) -> dict[str, Any]:
    """The report documents (without their detail) of the lookup's years that are of its place or of
    its body, in report id order (ReportLookup.matches is the reference)."""
    either: list[dict[str, Any]] = []
    if place := lookup.place():
        either.append({"bool": {"filter": [_equal(name, value) for name, value in place.items()]}})
    if lookup.body is not None:
        either.append({"term": {"issuing_body": lookup.body}})
    years = {"range": {"year": {"gte": lookup.first_year, "lte": lookup.last_year}}}
    filters: list[dict[str, Any]] = [{"term": {"doc_type": "report"}}, years]
    filters.append({"bool": {"should": either, "minimum_should_match": 1}} if either else {"match_none": {}})
    return {
        "query": {"bool": {"filter": filters}},
        "size": size,
        "sort": [{"report_id": "asc"}],
        "_source": {"excludes": ["detail", "doc_type"]},
    }


def text_clause(text: TextQuery) -> dict[str, Any]:
    """must: every word/phrase as an exact substring of `text`; should: the jieba words, for ranking;
    must_not: the exclusions."""
    must = [{"match_phrase": {"text": {"query": term}}} for term in text.positive]
    must_not = [{"match_phrase": {"text": {"query": term}}} for term in text.excluded]
    words = " ".join(w for term in text.positive for w in word_tokens(term))
    should = [{"match": {"words": {"query": words, "boost": WORDS_BOOST}}}] if words else []
    return {"must": must, "must_not": must_not, "should": should}


def filter_clauses(filters: Mapping[str, Sequence[str] | Sequence[int]]) -> list[dict[str, Any]]:
    clauses: list[dict[str, Any]] = [{"term": {"doc_type": "passage"}}]
    clauses.extend({"terms": {FIELD_OF[name]: list(values)}} for name, values in sorted(filters.items()))
    return clauses


def facet_aggs(names: Sequence[str]) -> dict[str, Any]:
    return {name: {"terms": {"field": FIELD_OF[name], "size": FACET_LIMIT}} for name in dict.fromkeys(names)}


def sort_clause(sort: str) -> list[Any]:
    """Sort keys; passage_id last so search_after always has a unique tie-breaker."""
    tail: list[Any] = ["_score", {"passage_id": "asc"}]
    if sort == "year":
        return [{"year": {"order": "desc", "missing": "_last"}}, *tail]
    if sort == "region":
        return [{f: {"order": "asc", "missing": "_last"}} for f in ("province", "city", "county")] + tail
    return tail


def search_body(checked: CheckedQuery) -> dict[str, Any]:
    """The _search request body of a checked query."""
    query = checked.query
    clause = text_clause(checked.text)
    body: dict[str, Any] = {
        "query": {"bool": {"filter": filter_clauses(query.filters.active()), **clause}},
        "size": query.page_size,
        "sort": sort_clause(query.sort),
        "track_total_hits": True,
        "highlight": {**_MARK, "fields": {"text": {"number_of_fragments": 0}}},
        "_source": {"excludes": ["words"]},
    }
    if query.facets:
        body["aggs"] = facet_aggs(query.facets)
    if checked.after:
        body["search_after"] = list(checked.after[1:])  # after[0] is the count of hits already shown
    return body


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise GovReportError(
            ErrorCode.CONFIG_INVALID, f"cannot read {path.name}: {exc}", source=str(path)
        ) from exc
    if not isinstance(data, dict):
        raise GovReportError(ErrorCode.CONFIG_INVALID, f"{path.name} must hold an object", source=str(path))
    return data


# --- responses → results (pure) -------------------------------------------------------------------


def _hit(raw: Mapping[str, Any], *, needles: Sequence[str]) -> Hit:
    source = raw["_source"]
    doc = PassageDoc.model_validate({k: v for k, v in source.items() if k in PassageDoc.model_fields})
    marked = raw.get("highlight", {}).get("text")
    return hit_from_doc(doc, needles=needles, score=raw.get("_score"), marked=marked[0] if marked else None)


def result_of(response: Mapping[str, Any], *, checked: CheckedQuery) -> SearchResult:
    hits = response["hits"]["hits"]
    total = int(response["hits"]["total"]["value"])
    facets = {
        name: [FacetBucket(value=b["key"], count=b["doc_count"]) for b in agg.get("buckets", [])]
        for name, agg in response.get("aggregations", {}).items()
    }
    shown = int(checked.after[0]) + len(hits) if checked.after else len(hits)
    more = bool(hits) and shown < total
    after = [shown, *hits[-1]["sort"]] if more else []
    token = encode_page_token(checked.query, after=after, key=checked.token_key) if more else None
    needles = checked.text.positive
    return SearchResult(
        total=total, hits=[_hit(h, needles=needles) for h in hits], facets=facets, next_page_token=token
    )


# --- the backend ----------------------------------------------------------------------------------


class ElasticsearchBackend:
    """SearchBackend over an Elasticsearch 9 cluster at settings.es_url."""

    name = "elasticsearch"

    def __init__(
        self,
        client: Any,
        *,
        alias: str,
        config_dir: Path,
        max_query_chars: int,
        page_size_cap: int,
        token_key: bytes,
    ) -> None:
        self.client = client
        self.alias = alias
        self.config_dir = config_dir
        self.max_query_chars = max_query_chars
        self.page_size_cap = page_size_cap
        self.token_key = token_key

    @classmethod
    def from_settings(cls, settings: Settings, *, create: bool = True) -> ElasticsearchBackend:
        """The backend at settings.es_url. With `create`, the index and its alias are made on first use;
        without, a missing alias is INDEX_NOT_FOUND (a search creates nothing). Page tokens are signed
        with settings.token_key, else with a random key kept in settings.data_dir."""
        if not settings.es_url:
            raise GovReportError(
                ErrorCode.BACKEND_UNAVAILABLE,
                "no Elasticsearch URL: set ES_URL or GOVREPORT_ES_URL",
                parameter="es_url",
            )
        from elasticsearch import Elasticsearch

        client = Elasticsearch(settings.es_url, request_timeout=30, retry_on_timeout=True, max_retries=3)
        backend = cls(
            client,
            alias=settings.es_index,
            config_dir=settings.config_dir,
            max_query_chars=settings.max_query_chars,
            page_size_cap=settings.page_size_cap,
            token_key=token_key_of(settings) or load_or_create_key(settings.data_dir),
        )
        if create:
            backend.ensure_index()
        elif not backend._indices_of_alias():
            raise GovReportError(
                ErrorCode.INDEX_NOT_FOUND,
                f"no index behind the alias {settings.es_index}: run govreport ingest first",
                source=f"{settings.es_index}@{settings.es_url}",
            )
        return backend

    def _call(self, what: str, method: Any, /, **kwargs: Any) -> Any:
        from elasticsearch import ApiError, TransportError

        try:
            return method(**kwargs)
        except (ApiError, TransportError) as exc:
            raise GovReportError(
                ErrorCode.BACKEND_UNAVAILABLE, f"Elasticsearch {what} failed: {exc}"
            ) from exc

    def _indices_of_alias(self) -> list[str]:
        if not self._call("alias lookup", self.client.indices.exists_alias, name=self.alias):
            return []
        return sorted(self._call("alias lookup", self.client.indices.get_alias, name=self.alias).keys())

    def _create_version(self, version: int) -> str:
        name = f"{self.alias}-v{version}"
        body = index_template_body(self.config_dir, alias=self.alias)
        self._call("put index template", self.client.indices.put_index_template, name=self.alias, body=body)
        self._call("create index", self.client.indices.create, index=name)
        return name

    def ensure_index(self) -> str:
        """The index behind the alias, creating `<alias>-v1` and the alias on first use."""
        current = self._indices_of_alias()
        if current:
            return current[-1]
        name = self._create_version(1)
        self._call(
            "create alias",
            self.client.indices.update_aliases,
            actions=alias_swap_actions(self.alias, old=[], new=name),
        )
        return name

    def _bulk(self, bundles: Sequence[ReportBundle], *, index: str) -> IndexOutcome:
        from elasticsearch.helpers import streaming_bulk

        outcome = IndexOutcome()
        failed: dict[str, IndexFailure] = {}
        sources = {p.passage_id: b.report for b in bundles for p in b.passages}
        actions = bulk_actions(bundles, index=index)
        results = streaming_bulk(
            self.client, actions, raise_on_error=False, raise_on_exception=False, max_retries=3
        )
        for ok, item in results:
            info = next(iter(item.values()))
            if not ok:
                doc_id = str(info.get("_id"))
                report = sources.get(doc_id) or next(
                    b.report for b in bundles if f"report:{b.report.report_id}" == doc_id
                )
                failed[report.report_id] = IndexFailure(
                    report_id=report.report_id,
                    source=report.source,
                    message=str(info.get("error")),
                    document_id=doc_id,
                )
        for bundle in bundles:
            if bundle.report.report_id not in failed:
                outcome.add_written(bundle)
        outcome.failed = list(failed.values())
        return outcome

    def index(self, bundles: Sequence[ReportBundle]) -> IndexOutcome:
        index = self.ensure_index()
        for bundle in bundles:  # a re-indexed report id must not keep passages it no longer has
            self._delete_by_report(bundle.report.report_id)
        outcome = self._bulk(bundles, index=index)
        self._call("refresh", self.client.indices.refresh, index=self.alias)
        return outcome

    def reindex(self, bundles: Sequence[ReportBundle]) -> IndexOutcome:
        """Build a new version of the index from `bundles` and swap the alias onto it atomically;
        searches see the old index until the swap."""
        target = self.begin_rebuild()
        outcome = self.add_to_rebuild(target, bundles)
        self.finish_rebuild(target)
        return outcome

    def begin_rebuild(self) -> str:
        old = self._indices_of_alias()
        version = 1 + max(
            (int(n.rsplit("-v", 1)[1]) for n in old if n.rsplit("-v", 1)[-1].isdigit()), default=0
        )
        return self._create_version(version)

    def add_to_rebuild(self, target: str, bundles: Sequence[ReportBundle]) -> IndexOutcome:
        outcome = self._bulk(bundles, index=target)
        # the rebuild's corpus-level analysis looks these reports up before the next chunk
        self._call("refresh", self.client.indices.refresh, index=target)
        return outcome

    def rebuild_reader(self, target: str) -> RebuildReader:
        """The version being rebuilt, read as the corpus-level analysis reads the live index."""
        return RebuildReader(self, target)

    def finish_rebuild(self, target: str) -> None:
        old = self._indices_of_alias()
        self._call("refresh", self.client.indices.refresh, index=target)
        self._call(
            "swap alias",
            self.client.indices.update_aliases,
            actions=alias_swap_actions(self.alias, old=old, new=target),
        )
        for name in old:
            self._call("delete old index", self.client.indices.delete, index=name)

    def _delete_by_report(self, report_id: str) -> int:
        response = self._call(
            "delete", self.client.delete_by_query, index=self.alias, query={"term": {"report_id": report_id}},
            refresh=True, conflicts="proceed",
        )  # fmt: skip
        return int(response.get("deleted", 0))

    def delete_report(self, report_id: str) -> bool:
        return self._delete_by_report(report_id) > 0

    def get_report(self, report_id: str, *, index: str | None = None) -> ReportDoc | None:
        from elasticsearch import NotFoundError

        try:
            response = self.client.get(index=index or self.alias, id=f"report:{report_id}")
        except NotFoundError:
            return None
        except Exception as exc:
            raise GovReportError(ErrorCode.BACKEND_UNAVAILABLE, f"Elasticsearch get failed: {exc}") from exc
        source = {k: v for k, v in response["_source"].items() if k in ReportDoc.model_fields}
        return ReportDoc.model_validate(source)

    def get_detail(self, report_id: str, *, index: str | None = None) -> ReportDetail | None:
        from elasticsearch import NotFoundError

        try:
            response = self.client.get(
                index=index or self.alias, id=f"report:{report_id}", source_includes=["detail"]
            )
        except NotFoundError:
            return None
        except Exception as exc:
            raise GovReportError(ErrorCode.BACKEND_UNAVAILABLE, f"Elasticsearch get failed: {exc}") from exc
        detail = response.get("_source", {}).get("detail")
        return None if detail is None else ReportDetail.model_validate(detail)

    def reports(self) -> list[ReportDoc]:
        found: list[ReportDoc] = []
        after: str | None = None
        while True:
            body = reports_body(after)
            response = self._call("list reports", self.client.search, index=self.alias, body=body)
            hits = response["hits"]["hits"]
            for hit in hits:
                source = {k: v for k, v in hit["_source"].items() if k in ReportDoc.model_fields}
                found.append(ReportDoc.model_validate(source))
            if len(hits) < REPORTS_PAGE:
                return found
            after = found[-1].report_id

    def lookup_reports(self, lookup: ReportLookup, *, index: str | None = None) -> list[ReportDoc]:
        body = lookup_body(lookup)
        response = self._call("lookup", self.client.search, index=index or self.alias, body=body)
        docs = [
            ReportDoc.model_validate({k: v for k, v in hit["_source"].items() if k in ReportDoc.model_fields})
            for hit in response["hits"]["hits"]
        ]
        return [doc for doc in docs if lookup.matches(doc)]

    def report_ids_for_source(self, source: str) -> list[str]:
        query = {"bool": {"filter": [{"term": {"doc_type": "report"}}, {"term": {"source": source}}]}}
        body = {"query": query, "size": 100, "_source": ["report_id"]}
        response = self._call("search", self.client.search, index=self.alias, body=body)
        return [h["_source"]["report_id"] for h in response["hits"]["hits"]]

    def stats(self) -> BackendStats:
        by_year = {"terms": {"field": "year", "size": 100, "missing": -1}}
        aggs = {
            "types": {"terms": {"field": "doc_type"}},
            "years": {"filter": {"term": {"doc_type": "report"}}, "aggs": {"y": by_year}},
        }
        body = {"size": 0, "aggs": aggs, "track_total_hits": True}
        response = self._call("stats", self.client.search, index=self.alias, body=body)
        types = {b["key"]: b["doc_count"] for b in response["aggregations"]["types"]["buckets"]}
        years = {("unknown" if b["key"] == -1 else str(b["key"])): b["doc_count"]
                 for b in response["aggregations"]["years"]["y"]["buckets"]}  # fmt: skip
        return BackendStats(
            backend=self.name, location=f"{self.alias}@es", reports=types.get("report", 0),
            passages=types.get("passage", 0), years=years,
        )  # fmt: skip

    def search(self, query: SearchQuery) -> SearchResult:
        checked = check_query(
            query, max_chars=self.max_query_chars, page_size_cap=self.page_size_cap, token_key=self.token_key
        )
        response = self._call("search", self.client.search, index=self.alias, body=search_body(checked))
        return result_of(response, checked=checked)

    def close(self) -> None:
        self.client.close()


class RebuildReader:
    """Reads of one version of the index (a rebuild's target) by name instead of through the alias."""

    def __init__(self, backend: ElasticsearchBackend, index: str) -> None:
        self.backend = backend
        self.index = index

    def lookup_reports(self, lookup: ReportLookup) -> list[ReportDoc]:
        return self.backend.lookup_reports(lookup, index=self.index)

    def get_report(self, report_id: str) -> ReportDoc | None:
        return self.backend.get_report(report_id, index=self.index)

    def get_detail(self, report_id: str) -> ReportDetail | None:
        return self.backend.get_detail(report_id, index=self.index)
