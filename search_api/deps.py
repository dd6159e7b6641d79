"""Request dependencies: the settings (overridable in tests) and the backend those settings name.

Routes ask for `SettingsDep` and `BackendDep`. Tests swap the settings with
`app.dependency_overrides[get_settings] = lambda: Settings(data_dir=tmp)`; the backend follows,
because backends are cached per distinct settings rather than per process.
"""

from __future__ import annotations

import threading
from typing import Annotated

from fastapi import Depends, Request

from indexer.backends import SearchBackend, open_backend
from nlp.settings import Settings
from nlp.settings import get_settings as load_settings

__all__ = ["BackendDep", "BackendPool", "SettingsDep", "get_backend", "get_settings"]

# The settings fields that decide which backend instance a request talks to.
_BACKEND_FIELDS = ("backend", "data_dir", "es_url", "es_index", "max_query_chars", "page_size_cap")


def get_settings(request: Request) -> Settings:
    """The app's own settings (`create_app(settings=...)`), else the process-wide ones."""
    settings = getattr(request.app.state, "settings", None)
    return settings if isinstance(settings, Settings) else load_settings()


class BackendPool:
    """Open backends, one per distinct backend configuration, shared by all requests (thread-safe).
    A backend that fails to open is not remembered, so the next request tries again."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: dict[str, SearchBackend] = {}

    @staticmethod
    def key(settings: Settings) -> str:
        return settings.model_dump_json(include=set(_BACKEND_FIELDS))

    def get(self, settings: Settings) -> SearchBackend:
        key = self.key(settings)
        with self._lock:
            backend = self._open.get(key)
            if backend is None:
                # raises GovReportError (INDEX_NOT_FOUND, BACKEND_UNAVAILABLE); never creates an index
                backend = open_backend(settings, create=False)
                self._open[key] = backend
            return backend

    def close_all(self) -> None:
        with self._lock:
            backends, self._open = list(self._open.values()), {}
        for backend in backends:
            backend.close()


SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_backend(request: Request, settings: SettingsDep) -> SearchBackend:
    pool: BackendPool = request.app.state.backends
    return pool.get(settings)


BackendDep = Annotated[SearchBackend, Depends(get_backend)]
