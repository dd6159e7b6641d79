"""What the HTTP API shows of a report's file: a path relative to the folder the server started in, or
the file's own name — never the server's absolute path (issue 10: hits exposed it).

The index keeps the absolute path: ingest needs it to tell a changed file from a moved one. Only what
leaves over HTTP is rewritten, here, for every response that names a file (hits, report lists and
views, findings, exports, comparisons). The CLI runs on the user's own machine and prints paths as is.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path, PurePath
from typing import TypeVar

from pydantic import BaseModel

__all__ = ["display_source", "without_paths"]

M = TypeVar("M", bound=BaseModel)


def _base() -> Path | None:
    """The folder the server runs in, unless it is a filesystem root (relative to `/`, a path is the
    absolute one without its slash)."""
    try:
        cwd = Path.cwd()
    except OSError:  # the folder was removed under the server
        return None
    return None if cwd == Path(cwd.anchor) else cwd


def display_source(source: str) -> str:
    """`source` relative to the server's folder when it lies inside it, else its file name; a relative
    source is shown as stored."""
    path = PurePath(source)
    if not path.is_absolute():
        return source
    base = _base()
    if base is not None and path.is_relative_to(base):
        return path.relative_to(base).as_posix()
    return path.name or source


def without_paths(model: M, sources: Iterable[str]) -> M:
    """`model` with every occurrence of each source (in any field or message) shown as display_source.
    Used for documents that may quote their file in nested places (a problem's message, a finding)."""
    text = model.model_dump_json()
    changed = False
    for source in sorted(set(sources), key=len, reverse=True):  # longer paths first: one may prefix another
        shown = display_source(source)
        if shown != source:
            text = text.replace(_quoted(source), _quoted(shown))
            changed = True
    return type(model).model_validate_json(text) if changed else model


def _quoted(value: str) -> str:
    """`value` as it appears inside a JSON string written by pydantic (UTF-8, not \\u-escaped)."""
    return json.dumps(value, ensure_ascii=False)[1:-1]
