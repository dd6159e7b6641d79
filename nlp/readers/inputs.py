"""Turning command-line inputs (files, directories, globs) into the list of files to read."""

from __future__ import annotations

import glob
from collections.abc import Sequence
from pathlib import Path

from nlp.errors import ErrorCode, problem
from nlp.schema import Problem

__all__ = ["IMAGE_SUFFIXES", "LEGACY_WORD_SUFFIXES", "SUPPORTED_SUFFIXES", "expand_inputs"]

SUPPORTED_SUFFIXES: frozenset[str] = frozenset(
    {".txt", ".text", ".md", ".markdown", ".html", ".htm", ".shtml", ".xhtml", ".docx", ".pdf"}
)
LEGACY_WORD_SUFFIXES: frozenset[str] = frozenset({".doc", ".wps", ".rtf"})
IMAGE_SUFFIXES: frozenset[str] = frozenset({".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".gif"})
# Report-like files a directory may hold that no reader handles: they are passed on so the reader names
# each one with its reason (convert to .docx, OCR needed…) instead of the batch dropping them silently.
_OTHER_DOCUMENTS = frozenset({".ofd", ".xls", ".xlsx", ".et", ".odt", ".caj"})
_REPORTED_UNREADABLE = LEGACY_WORD_SUFFIXES | IMAGE_SUFFIXES | _OTHER_DOCUMENTS
_GLOB_CHARS = frozenset("*?[")


def _is_glob(text: str) -> bool:
    return any(ch in text for ch in _GLOB_CHARS)


def _supported(path: Path) -> bool:
    wanted = SUPPORTED_SUFFIXES | _REPORTED_UNREADABLE
    return path.is_file() and path.suffix.lower() in wanted and not path.name.startswith(".")


def _from_directory(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if _supported(p))


def _expand_one(item: str) -> tuple[list[Path], Problem | None]:
    path = Path(item)
    if path.is_file():
        return [path], None  # named explicitly: read it, and let the reader say if it cannot
    if path.is_dir():
        found = _from_directory(path)
        missing = problem(ErrorCode.READ_NOT_FOUND, f"no supported files in directory {item}", source=item)
        return found, None if found else missing
    if _is_glob(item):
        matches = sorted(Path(m) for m in glob.glob(item, recursive=True))
        files = [p for m in matches for p in ([m] if m.is_file() else _from_directory(m))]
        if not files:
            return [], problem(ErrorCode.READ_NOT_FOUND, f"the pattern {item} matches no file", source=item)
        return files, None
    return [], problem(ErrorCode.READ_NOT_FOUND, f"no such file or directory: {item}", source=item)


def expand_inputs(inputs: Sequence[str]) -> tuple[list[Path], list[Problem]]:
    """Files to read (each once, in the order given; a directory's files sorted) and what was not found."""
    files: dict[Path, None] = {}
    problems: list[Problem] = []
    for item in inputs:
        found, missing = _expand_one(item)
        files.update(dict.fromkeys(found))
        if missing is not None:
            problems.append(missing)
    return list(files), problems
