"""Turning command-line inputs (files, directories, globs) into the list of files to read.

Directories and `**` are walked without following symbolic links to directories (a link back to a parent
would loop for ever), and each argument's walk stops after MAX_WALK entries with a problem naming it. A
symbolic link to a file is read like the file.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterator, Sequence
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
MAX_WALK = 200_000  # directory entries one argument may visit (a province over a decade is ~50k files)


class _WalkLimit(Exception):
    """An argument's walk visited MAX_WALK entries."""


def _is_glob(text: str) -> bool:
    return any(ch in text for ch in _GLOB_CHARS)


def _supported(path: Path) -> bool:
    wanted = SUPPORTED_SUFFIXES | _REPORTED_UNREADABLE
    return path.is_file() and path.suffix.lower() in wanted and not path.name.startswith(".")


class _Budget:
    """Counts the directory entries an argument's walk visits; raises _WalkLimit past `limit`."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.visited = 0

    def entries(self, directory: Path) -> list[os.DirEntry[str]]:
        try:
            with os.scandir(directory) as found:
                entries = []
                for entry in found:
                    self.visited += 1
                    if self.visited > self.limit:
                        raise _WalkLimit
                    entries.append(entry)
                return entries
        except OSError:
            return []  # unreadable, vanished, or a link loop: nothing in it


def _is_real_dir(entry: os.DirEntry[str]) -> bool:
    """A directory that is not a symbolic link (walks never follow links to directories)."""
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


def _walk(directory: Path, budget: _Budget) -> Iterator[Path]:
    """Every path under `directory`, links to directories not followed, iteratively."""
    stack = [directory]
    while stack:
        current = stack.pop()
        for entry in budget.entries(current):
            path = current / entry.name
            yield path
            if _is_real_dir(entry):
                stack.append(path)


def _from_directory(directory: Path, budget: _Budget) -> list[Path]:
    return sorted(p for p in _walk(directory, budget) if _supported(p))


def _part_matcher(part: str) -> re.Pattern[str]:
    return re.compile(fnmatch.translate(part))


def _glob(pattern: str, budget: _Budget) -> list[Path]:
    """Paths matching a glob pattern (`**` spans any number of directories), like glob.glob(recursive=
    True) but never through a link to a directory while expanding `**`, and within the budget. Names
    starting with a dot match only a part that starts with one."""
    parts = Path(pattern).parts
    first_magic = next(i for i, part in enumerate(parts) if _is_glob(part))
    base = Path(*parts[:first_magic]) if first_magic else Path(".")
    rest = parts[first_magic:]
    found: list[Path] = []
    stack: list[tuple[Path, int]] = [(base, 0)]
    seen: set[tuple[Path, int]] = set()
    while stack:
        directory, index = stack.pop()
        if (directory, index) in seen:
            continue
        seen.add((directory, index))
        if index == len(rest):
            found.append(directory)
            continue
        part = rest[index]
        if part == "**":
            stack.append((directory, index + 1))  # ** matches no directory at all, too
            stack.extend(
                (directory / entry.name, index)
                for entry in budget.entries(directory)
                if _is_real_dir(entry) and not entry.name.startswith(".")
            )
            continue
        if not _is_glob(part):
            if (directory / part).exists() or (directory / part).is_symlink():
                stack.append((directory / part, index + 1))
            continue
        matcher = _part_matcher(part)
        last = index == len(rest) - 1
        for entry in budget.entries(directory):
            if entry.name.startswith(".") and not part.startswith("."):
                continue
            if matcher.fullmatch(entry.name) and (last or _is_dir(entry)):
                stack.append((directory / entry.name, index + 1))
    return sorted(set(found))


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()  # a named part (not **) may go through a link: the pattern bounds it
    except OSError:
        return False


def _files_of_matches(matches: Sequence[Path], budget: _Budget) -> list[Path]:
    """Matched files, and the files under matched directories (each directory walked once: `dir/**`
    matches every directory under dir, and dir's own walk already holds them)."""
    files: list[Path] = []
    walked: set[Path] = set()
    for match in matches:  # sorted: a directory comes before those under it
        if match.is_file():
            files.append(match)
        elif match.is_dir() and not any(parent in walked for parent in match.parents):
            walked.add(match)
            files.extend(_from_directory(match, budget))
    return files


def _expand_one(item: str) -> tuple[list[Path], Problem | None]:
    budget = _Budget(MAX_WALK)
    try:
        return _expand_within(item, budget)
    except _WalkLimit:
        message = f"{item} reaches more than {MAX_WALK} paths: name a narrower directory or pattern"
        return [], problem(ErrorCode.READ_TOO_LARGE, message, source=item)


def _expand_within(item: str, budget: _Budget) -> tuple[list[Path], Problem | None]:
    path = Path(item)
    if path.is_file():
        return [path], None  # named explicitly: read it, and let the reader say if it cannot
    if path.is_dir():
        found = _from_directory(path, budget)
        missing = problem(ErrorCode.READ_NOT_FOUND, f"no supported files in directory {item}", source=item)
        return found, None if found else missing
    if _is_glob(item):
        files = _files_of_matches(_glob(item, budget), budget)
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
