"""Search backends behind one protocol; `open_backend` picks the one the settings name."""

from __future__ import annotations

from indexer.backends.base import BackendStats, IndexFailure, IndexOutcome, SearchBackend
from nlp.settings import Settings

__all__ = ["BackendStats", "IndexFailure", "IndexOutcome", "SearchBackend", "open_backend"]


def open_backend(settings: Settings, *, create: bool = True) -> SearchBackend:
    """The backend `settings.backend` names: the embedded tantivy index (the default) or SQLite
    database under `settings.data_dir`, or Elasticsearch at `settings.es_url`. With `create` (writers:
    ingest) a missing index is created; without (readers: search, serve) it is INDEX_NOT_FOUND naming
    the folder, and nothing is created."""
    if settings.backend == "elasticsearch":
        from indexer.backends.elasticsearch import ElasticsearchBackend

        return ElasticsearchBackend.from_settings(settings, create=create)
    if settings.backend == "sqlite":
        from indexer.backends.sqlite import SqliteBackend

        return SqliteBackend.from_settings(settings, create=create)
    from indexer.backends.tantivy import TantivyBackend

    return TantivyBackend.from_settings(settings, create=create)
