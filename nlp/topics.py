"""Keyword topics for narrative passages (政策解读, 依申请公开, 政务新媒体, …).

The topics and their keywords live in `configs/topics.yaml`; a passage carries every topic one of whose
keywords it contains. Plain substring matching on normalised text: reports are short, keywords are
specific, and a substring never misses 政策解读 inside 加强政策解读工作 the way a word split can.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

from nlp.config import load_yaml
from nlp.errors import ErrorCode, GovReportError

__all__ = ["load_topics", "topics_for"]

_CONFIG = "topics.yaml"


def _normalise(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def _parse(data: dict[str, object]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    topics = data.get("topics")
    if not isinstance(topics, dict) or not topics:
        raise GovReportError(ErrorCode.CONFIG_INVALID, f"{_CONFIG} must map `topics` to topic entries")
    parsed: list[tuple[str, tuple[str, ...]]] = []
    for name, entry in topics.items():
        keywords = entry.get("keywords") if isinstance(entry, dict) else None
        if (
            not isinstance(keywords, list)
            or not keywords
            or not all(isinstance(k, str) and k.strip() for k in keywords)
        ):
            message = f"{_CONFIG}: topic {name!r} needs a list of keywords"
            raise GovReportError(ErrorCode.CONFIG_INVALID, message)
        parsed.append((str(name), tuple(_normalise(k) for k in keywords)))
    return tuple(parsed)


@lru_cache(maxsize=8)
def load_topics(*, config_dir: Path | None = None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(topic, keywords) pairs in the order of the YAML file."""
    return _parse(load_yaml(_CONFIG, config_dir=config_dir))


def topics_for(text: str, *, config_dir: Path | None = None) -> list[str]:
    """The topics whose keywords occur in `text`, in the configured order."""
    normal = _normalise(text)
    topics = load_topics(config_dir=config_dir)
    return [name for name, keywords in topics if any(k in normal for k in keywords)]
