"""One word segmenter for the whole process, chosen by the settings (`segmenter`: jieba or rjieba).

Label alignment, the claims pipeline (its spaCy tokenizer, `govreport.segmenter_tokenizer.v1`, cuts
through `words`) and the indexer's words column all use it, so a process loads one dictionary and a user
dictionary applies to all three alike.

rjieba is jieba's Rust port: with the HMM off the two cut every text of the corpus identically; with it
on (as here) they differ only inside runs of Latin letters, digits and punctuation — URLs and phone numbers
(www.pingtan.gov.cn is one word to rjieba, www / pingtan / gov / cn to jieba). tests/test_segment.py holds
both statements, which is why jieba stays the default.

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
        import rjieba

        return lambda text, hmm: list(rjieba.cut(text, hmm=hmm))
    return _JiebaCut()


def words(text: str, *, hmm: bool = True, segmenter: str | None = None) -> list[str]:
    """The words of `text` in precise mode, as the configured segmenter (or `segmenter`) cuts them."""
    return _cut(segmenter or segmenter_name())(text, hmm)


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
