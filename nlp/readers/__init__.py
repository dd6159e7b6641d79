"""Readers: any supported file (text in any encoding, Markdown, HTML, DOCX, PDF) → one `SourceDocument`.

Every reader produces the same intermediate: the report as numbered lines plus paragraph and table
blocks, a table's grid rendered one row per line with tab-separated cells. Failures raise
`GovReportError` with a READ_* code naming the file and the reason.
"""

from __future__ import annotations

from pathlib import Path

from nlp.errors import ErrorCode, GovReportError
from nlp.readers.common import readers_config
from nlp.readers.inputs import IMAGE_SUFFIXES, LEGACY_WORD_SUFFIXES, SUPPORTED_SUFFIXES, expand_inputs
from nlp.schema import SourceDocument
from nlp.settings import Settings, get_settings

__all__ = ["SUPPORTED_SUFFIXES", "expand_inputs", "read_bytes", "read_path"]


def _check_size(size: int, *, source: str, settings: Settings) -> None:
    if size > settings.max_file_bytes:
        raise GovReportError(
            ErrorCode.READ_TOO_LARGE,
            f"{size} bytes is more than the limit of {settings.max_file_bytes} bytes"
            f" (max_file_mb={settings.max_file_mb})",
            source=source,
        )


def _unsupported(suffix: str, source: str) -> GovReportError:
    if suffix in LEGACY_WORD_SUFFIXES:
        reason = f"{suffix} files cannot be read: convert to .docx first (e.g. `soffice --convert-to docx`)"
    elif suffix in IMAGE_SUFFIXES:
        reason = f"{suffix} is an image (a scan): OCR is needed to read its text"
        return GovReportError(ErrorCode.READ_OCR_NEEDED, reason, source=source)
    else:
        supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
        reason = f"no reader for '{suffix or 'no suffix'}' files (supported: {supported})"
    return GovReportError(ErrorCode.READ_UNSUPPORTED, reason, source=source)


def read_bytes(data: bytes, *, source: str, suffix: str, settings: Settings | None = None) -> SourceDocument:
    """Read a file's bytes as the format its suffix names (".pdf", ".html", ...)."""
    settings = settings or get_settings()
    suffix = suffix.lower() if suffix.startswith(".") else f".{suffix.lower()}"
    if suffix not in SUPPORTED_SUFFIXES:
        raise _unsupported(suffix, source)
    _check_size(len(data), source=source, settings=settings)
    if not data.strip():
        raise GovReportError(ErrorCode.READ_EMPTY, "the file is empty", source=source)
    config = readers_config(settings)
    if suffix == ".pdf":
        from nlp.readers.pdf import read_pdf

        return read_pdf(data, source=source, config=config.get("pdf", {}))
    if suffix == ".docx":
        from nlp.readers.docx import read_docx

        return read_docx(
            data,
            source=source,
            max_expanded=int(settings.max_expanded_mb * 1024 * 1024),
            max_ratio=settings.max_zip_ratio,
        )
    if suffix in {".html", ".htm", ".shtml", ".xhtml"}:
        from nlp.readers.html import read_html

        return read_html(
            data, source=source, config=config.get("html", {}), text_config=config.get("text", {})
        )
    if suffix in {".md", ".markdown"}:
        from nlp.readers.markdown import read_markdown

        return read_markdown(
            data, source=source, config=config.get("markdown", {}), text_config=config.get("text", {})
        )
    from nlp.readers.text import read_text

    return read_text(data, source=source, config=config.get("text", {}))


def read_path(path: Path, *, settings: Settings | None = None) -> SourceDocument:
    """Read one file. `source` is the path as given. Raises GovReportError (READ_*) naming the file."""
    settings = settings or get_settings()
    source = str(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        if not path.exists():
            raise GovReportError(ErrorCode.READ_NOT_FOUND, "no such file", source=source)
        raise _unsupported(suffix, source)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise GovReportError(ErrorCode.READ_NOT_FOUND, "this is a directory, not a file", source=source)
        _check_size(size, source=source, settings=settings)
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise GovReportError(ErrorCode.READ_NOT_FOUND, "no such file", source=source) from exc
    except OSError as exc:
        raise GovReportError(
            ErrorCode.READ_NOT_FOUND, f"cannot open the file: {exc.strerror}", source=source
        ) from exc
    return read_bytes(data, source=source, suffix=suffix, settings=settings)
