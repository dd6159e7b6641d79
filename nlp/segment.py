"""One word segmenter for the whole process, chosen by the settings (`segmenter`: rjieba or jieba).

Label alignment, the claims pipeline (its spaCy tokenizer, `govreport.segmenter_tokenizer.v1`, cuts
through `words`) and the indexer's words column all use it, so a process loads one dictionary.

rjieba (the default) is jieba's Rust port: the same dictionary and model, cutting ≈10× faster here and
loading its dictionary in ≈0.2 s and ≈40 MB. Bare, it cuts differently from jieba in two places — inside
runs of Latin letters, digits and punctuation (2023-01-05, www.pingtan.gov.cn: one word to rjieba, five
and seven to jieba) and around the rare ideographs of the CJK extensions — and `_RJiebaCut` mends both,
so its words are jieba's: tests/test_segment.py holds that over every line of samples/ and the shared
corpus, HMM on and off, and over random mixtures of ideographs, Latin, digits, punctuation and spaces.
jieba stays selectable (`GOVREPORT_SEGMENTER=jieba`) and gives the same words.

jieba's dictionary (≈500k words and prefixes, loaded from its marshal cache in the temp folder) costs ≈1 s
and ≈90 MB, most of a short command's start. Yet jieba only ever asks it about fragments of the text it
cuts, and a few thousand distinct fragments answer a report. So jieba's default tokenizer is given a
read-only SQLite copy of that dictionary instead (`_DiskFreq`: the same counts and total, hence the same
words), answering each fragment once and keeping the answer; it opens in a millisecond. The copy is written
once, by the first process that loads the whole dictionary, into the user's cache folder, under a name
that changes with jieba's version and dictionary file. A warm lookup through the copy costs a Python call
where the whole dictionary's costs none (≈10% more time cutting), so after `_DISK_CHAR_LIMIT` characters
cut or `_DISK_LOOKUP_LIMIT` distinct fragments (an ingest, a benchmark) the process loads the whole
dictionary as before and leaves the copy; when no copy can be had (no writable cache folder), the whole
dictionary is loaded as before.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from nlp.settings import get_settings

__all__ = ["segmenter_name", "words"]

Cut = Callable[[str, bool], list[str]]

# Distinct fragments looked up in the disk copy after which the whole dictionary is loaded instead: about a
# second of lookups, and a memo as large as a fifth of the dictionary.
_DISK_LOOKUP_LIMIT = 100_000
# Characters cut through the copy after which loading the whole dictionary (≈1 s) pays for itself: about a
# hundred reports.
_DISK_CHAR_LIMIT = 1_000_000
_COPY_FORMAT = 1  # bump when the copy's tables change


def segmenter_name() -> str:
    return get_settings().segmenter


@lru_cache(maxsize=2)
def _cut(name: str) -> Cut:
    if name == "rjieba":
        return _RJiebaCut()
    return _JiebaCut()


def words(text: str, *, hmm: bool = True, segmenter: str | None = None) -> list[str]:
    """The words of `text` in precise mode, as the configured segmenter (or `segmenter`) cuts them."""
    return _cut(segmenter or segmenter_name())(text, hmm)


# --- rjieba, cutting as jieba does ------------------------------------------------------------------------

# jieba's own patterns (jieba/__init__.py, jieba/finalseg/__init__.py), copied so that rjieba runs without
# importing jieba: the blocks it cuts (CJK Unified Ideographs, ASCII letters and digits, + # & . _ % -),
# the whitespace it keeps as tokens, and how its HMM fallback splits what is not Chinese in a block.
_BLOCK = re.compile("([\u4e00-\u9fd5a-zA-Z0-9+#&\\._%\\-]+)")
_SPACE = re.compile("(\r\n|\\s)")
_ASCII_BLOCK = re.compile(r"[a-zA-Z0-9+#&._%\-]+")
# Ideographs rjieba's blocks take and jieba's do not (CJK extensions, compatibility ideographs).
_OTHER_HAN = re.compile("[\u3400-\u4dbf\u9fd6-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")
_LATIN_PART = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")
# The words of jieba's dictionary with no Chinese character in them (tests/test_segment.py reads the
# dictionary file and holds this list to it): a run of such a word is a word, never re-split.
_LATIN_WORDS = frozenset({"AT&T", "c#", "C#", "c++", "C++"})


class _RJiebaCut:
    """rjieba (jieba's Rust port: the same dictionary and model, ≈20× faster), giving jieba's tokens.

    The two differ in two places, both mended here. Inside a block, a run that jieba's HMM fallback
    splits with `_LATIN_PART` (2023 - 01 - 05, www . pingtan . gov . cn) rjieba keeps whole: so each
    run of tokens made of ASCII block characters is split again as jieba splits it. And rjieba's blocks
    also take the CJK extensions (㐀, 﨑), which jieba cuts one character at a time: a text holding one
    is split into jieba's blocks here, and rjieba cuts each block."""

    def __init__(self) -> None:
        import rjieba

        self.rjieba = rjieba

    def __call__(self, text: str, hmm: bool) -> list[str]:
        if _OTHER_HAN.search(text) is None:
            cut = self.rjieba.cut(text, hmm=hmm)
            return _latin_runs_as_jieba(cut) if hmm else cut
        out: list[str] = []
        for block in _BLOCK.split(text):
            if not block:
                continue
            if _BLOCK.fullmatch(block):
                cut = self.rjieba.cut(block, hmm=hmm)
                out.extend(_latin_runs_as_jieba(cut) if hmm else cut)
                continue
            for part in _SPACE.split(block):
                if _SPACE.fullmatch(part):
                    out.append(part)
                else:
                    out.extend(part)  # one token a character, as jieba gives them
        return out


def _latin_runs_as_jieba(tokens: list[str]) -> list[str]:
    """rjieba's tokens, each run of tokens made of ASCII block characters (but dictionary words)
    joined and split as jieba's HMM fallback splits it."""
    out: list[str] = []
    run: list[str] = []
    for token in tokens:
        if _ASCII_BLOCK.fullmatch(token) and token not in _LATIN_WORDS:
            run.append(token)
            continue
        if run:
            out.extend(_latin_run(run))
            run = []
        out.append(token)
    if run:
        out.extend(_latin_run(run))
    return out


def _latin_run(run: list[str]) -> list[str]:
    if len(run) == 1 and len(run[0]) == 1:
        return run
    return [p for p in _LATIN_PART.split("".join(run)) if p]


# --- jieba over a disk copy of its dictionary -------------------------------------------------------------


class _DiskFreq:
    """jieba's FREQ mapping (word or word prefix → count, 0 for a bare prefix) read from the SQLite copy,
    each fragment once. jieba's cut only asks `in`, `[]` and `.get`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lookups = 0
        self._memo: dict[str, int | None] = {}
        self._lock = threading.Lock()
        self._pid = -1
        self._conn: sqlite3.Connection | None = None

    def connect(self) -> sqlite3.Connection:
        """The connection of this process (one is never carried across a fork)."""
        if self._conn is None or self._pid != os.getpid():
            uri = self.path.as_uri() + "?mode=ro&immutable=1"  # written once, then only read
            self._conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
            self._pid = os.getpid()
        return self._conn

    def get(self, key: str, default: Any = None) -> Any:
        try:
            value = self._memo[key]
        except KeyError:
            with self._lock:
                row = self.connect().execute("SELECT n FROM freq WHERE word = ?", (key,)).fetchone()
            value = self._memo[key] = None if row is None else int(row[0])
            self.lookups += 1
        return default if value is None else value

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __getitem__(self, key: str) -> int:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return int(value)


def _copy_key(jieba: Any) -> tuple[str, str] | None:
    """(file name, key) of the disk copy for this jieba and its default dictionary file."""
    dictionary = Path(jieba.__file__).parent / jieba.DEFAULT_DICT_NAME
    try:
        stat = dictionary.stat()
    except OSError:
        return None
    key = f"jieba {jieba.__version__} {dictionary} {stat.st_size} {stat.st_mtime_ns} format {_COPY_FORMAT}"
    return f"jieba-dict-{hashlib.sha256(key.encode()).hexdigest()[:16]}.sqlite3", key


def _cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("govreport", appauthor=False))


def _open_copy(path: Path, key: str) -> tuple[_DiskFreq, int] | None:
    """The copy's mapping and total, or None when it is missing, of another key or unreadable."""
    if not path.is_file():
        return None
    freq = _DiskFreq(path)
    try:
        row = freq.connect().execute("SELECT key, total FROM meta").fetchone()
    except sqlite3.Error:
        return None
    if row is None or row[0] != key:
        return None
    return freq, int(row[1])


def _write_copy(path: Path, key: str, freq: Mapping[str, int], total: int) -> None:
    """Write the copy beside its final name and move it there whole (best effort: a copy that cannot be
    written only means the next process loads the whole dictionary too)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        os.close(handle)
        try:
            conn = sqlite3.connect(temporary)
            try:
                conn.executescript(
                    "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
                    "CREATE TABLE freq (word TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;"
                    "CREATE TABLE meta (key TEXT NOT NULL, total INTEGER NOT NULL);"
                )
                conn.executemany("INSERT INTO freq VALUES (?, ?)", freq.items())
                conn.execute("INSERT INTO meta VALUES (?, ?)", (key, total))
                conn.commit()
            finally:
                conn.close()
            os.replace(temporary, path)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
    except (OSError, sqlite3.Error) as exc:
        logging.getLogger(__name__).debug("jieba dictionary copy not written: %s", exc)


class _JiebaCut:
    """jieba's default tokenizer in precise mode, its dictionary read from the disk copy while that is
    cheaper, then loaded whole. Either way the one tokenizer of the process is `jieba.dt`."""

    def __init__(self) -> None:
        import jieba

        jieba.setLogLevel(logging.WARNING)  # it logs its dictionary load at INFO
        self.jieba = jieba
        self.tokenizer = jieba.dt
        self._lock = threading.Lock()
        self.chars = 0  # cut through the disk copy
        if self.tokenizer.initialized:
            return
        names = _copy_key(jieba)
        if names is None:
            self.tokenizer.initialize()
            return
        path = _cache_dir() / names[0]
        opened = _open_copy(path, names[1])
        if opened is None:  # no copy yet: load the whole dictionary, and leave a copy for the next process
            self.tokenizer.initialize()
            _write_copy(path, names[1], self.tokenizer.FREQ, self.tokenizer.total)
            return
        with self.tokenizer.lock:
            self.tokenizer.FREQ, self.tokenizer.total = opened
            self.tokenizer.initialized = True

    def load_whole(self) -> None:
        """Replace the disk copy by the whole dictionary (same words; no lookups from then on)."""
        with self._lock, self.tokenizer.lock:
            if isinstance(self.tokenizer.FREQ, _DiskFreq):
                self.tokenizer.initialized = False
                self.tokenizer.initialize()

    def __call__(self, text: str, hmm: bool) -> list[str]:
        freq = self.tokenizer.FREQ
        try:
            cut: list[str] = self.tokenizer.lcut(text, HMM=hmm)
        except sqlite3.Error:  # the copy went away or broke under us: the whole dictionary answers
            self.load_whole()
            cut = self.tokenizer.lcut(text, HMM=hmm)
        if isinstance(freq, _DiskFreq):
            self.chars += len(text)
            if freq.lookups > _DISK_LOOKUP_LIMIT or self.chars > _DISK_CHAR_LIMIT:
                self.load_whole()
        return cut
