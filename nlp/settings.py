"""The one settings object. Nothing else in the project reads the environment.

Every field can be set by an environment variable `GOVREPORT_<NAME>`; `ES_URL` is accepted for
`es_url` because that is what Elasticsearch users and our ES tests already set.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Literal

from platformdirs import user_data_dir
from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "get_settings", "packaged_config_dir"]


def packaged_config_dir() -> Path:
    return Path(str(files("configs")))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GOVREPORT_", extra="ignore")

    data_dir: Path = Field(
        default_factory=lambda: Path(user_data_dir("govreport", appauthor=False)),
        description="Where the embedded backends keep their index (tantivy/) or database file.",
    )
    config_dir: Path = Field(
        default_factory=packaged_config_dir,
        description="Folder of labels.yaml, rules.yaml, topics.yaml, es/*.json, spacy.cfg.",
    )
    backend: Literal["tantivy", "sqlite", "elasticsearch"] = Field(
        default="tantivy",
        description="Search backend: tantivy (embedded, default), sqlite (embedded, FTS5) or elasticsearch.",
    )
    es_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("GOVREPORT_ES_URL", "ES_URL"),
        description="Elasticsearch URL; also read from ES_URL.",
    )
    es_index: str = Field(default="govreport", description="Alias (and index-name prefix) in Elasticsearch.")
    max_file_mb: float = Field(default=64.0, gt=0, description="Files larger than this are refused.")
    max_text_chars: int = Field(
        default=1_000_000,
        gt=0,
        description="A file whose text runs longer than this many characters is refused before extraction "
        "(the longest real report is about 100k; extraction holds ~0.4 kB a character of table-dense text).",
    )
    max_expanded_mb: float = Field(
        default=256.0,
        gt=0,
        description="A DOCX whose parts expand to more than this is refused (a decompression bomb).",
    )
    max_zip_ratio: float = Field(
        default=100.0,
        gt=1,
        description="A DOCX part (over 1 MiB expanded) that expands more than this many times is refused.",
    )
    file_timeout_s: float = Field(
        default=60.0,
        ge=0,
        description="Seconds reading and extracting one file may take before it fails with read_timeout "
        "(0: no limit).",
    )
    token_key: SecretStr | None = Field(
        default=None,
        description="Secret that signs next-page tokens; unset: a random key kept in the data dir.",
    )
    max_query_chars: int = Field(default=500, gt=0, description="Longest search query accepted.")
    page_size_cap: int = Field(default=100, gt=0, description="Largest page a search may ask for.")
    workers: int | None = Field(
        default=None, ge=1, le=64, description="Processes used by ingest (unset: one per core it may use)."
    )
    segmenter: Literal["jieba", "rjieba"] = Field(
        default="rjieba",
        description="Word segmenter for alignment, claims and the index: rjieba (jieba's Rust port, made "
        "to give jieba's words; ≈10× faster) or jieba.",
    )
    host: str = Field(default="127.0.0.1", description="Address the web server listens on.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port the web server listens on.")

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "govreport.sqlite3"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
