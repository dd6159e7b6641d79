"""One catalogue of error codes for the whole project.

Library code raises `GovReportError` (or records a `Problem`) with a code from `ErrorCode`; only the
command line and the HTTP layer turn them into text, exit codes and status codes.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # nlp.schema builds every model: `govreport --help` imports this module, not the models
    from nlp.schema import Problem

__all__ = ["CATALOGUE", "ErrorCode", "GovReportError", "one_line", "printable_name", "problem"]

_LINE_BREAKS = re.compile(r"\s*[\r\n\v\f\u0085\u2028\u2029]+\s*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]")


class ErrorCode(StrEnum):
    # reading a file
    READ_NOT_FOUND = "read_not_found"
    READ_EMPTY = "read_empty"
    READ_TOO_LARGE = "read_too_large"
    READ_BINARY = "read_binary"
    READ_ENCODING = "read_encoding"
    READ_UNSUPPORTED = "read_unsupported"
    READ_OCR_NEEDED = "read_ocr_needed"
    READ_ENCRYPTED = "read_encrypted"
    READ_CORRUPT = "read_corrupt"
    READ_NOT_A_REPORT = "read_not_a_report"
    READ_TIMEOUT = "read_timeout"
    READ_BAD_BYTES = "read_bad_bytes"
    READ_SPANS_IGNORED = "read_spans_ignored"
    # sections
    SECTION_MISSING = "section_missing"
    SECTION_INFERRED = "section_inferred"
    SECTION_OUT_OF_ORDER = "section_out_of_order"
    # tables
    TABLE_MISSING = "table_missing"
    TABLE_TRUNCATED = "table_truncated"
    ROW_MISSING = "row_missing"
    ROW_DUPLICATE = "row_duplicate"
    ROW_TOO_MANY_CELLS = "row_too_many_cells"
    ROW_TOO_FEW_CELLS = "row_too_few_cells"
    CELL_UNPARSEABLE = "cell_unparseable"
    CELLS_GLUED_AMBIGUOUS = "cells_glued_ambiguous"
    CELLS_GLUED_UNREADABLE = "cells_glued_unreadable"
    VALUES_WITHOUT_LABEL = "values_without_label"
    # labels
    LABEL_UNMATCHED = "label_unmatched"
    LABEL_AMBIGUOUS = "label_ambiguous"
    # configuration
    CONFIG_INVALID = "config_invalid"
    # search and API
    QUERY_INVALID = "query_invalid"
    QUERY_TOO_LONG = "query_too_long"
    PAGE_TOKEN_INVALID = "page_token_invalid"
    REPORT_NOT_FOUND = "report_not_found"
    BACKEND_UNAVAILABLE = "backend_unavailable"
    INDEX_FAILED = "index_failed"
    OPTION_UNSUPPORTED = "option_unsupported"
    INDEX_NOT_FOUND = "index_not_found"


CATALOGUE: dict[ErrorCode, str] = {
    ErrorCode.READ_NOT_FOUND: "the file does not exist or cannot be opened",
    ErrorCode.READ_EMPTY: "the file is empty or holds only white space",
    ErrorCode.READ_TOO_LARGE: "the file is larger than the configured limit",
    ErrorCode.READ_BINARY: "the file is binary, not text in any encoding",
    ErrorCode.READ_ENCODING: "the text's encoding could not be determined",
    ErrorCode.READ_UNSUPPORTED: "no reader handles this file type (.doc must be converted to .docx)",
    ErrorCode.READ_OCR_NEEDED: "the PDF has no text layer (a scan): OCR is needed first",
    ErrorCode.READ_ENCRYPTED: "the file is encrypted or password-protected",
    ErrorCode.READ_CORRUPT: "the file is truncated or corrupt",
    ErrorCode.READ_NOT_A_REPORT: "the text has none of the report's sections or tables",
    ErrorCode.READ_TIMEOUT: "reading and extracting the file took longer than the per-file budget",
    ErrorCode.READ_BAD_BYTES: "some bytes could not be decoded and were replaced by U+FFFD",
    ErrorCode.READ_SPANS_IGNORED: "a table's spans would make a huge grid: its rowspan/colspan were ignored",
    ErrorCode.SECTION_MISSING: "a section of the template is missing",
    ErrorCode.SECTION_INFERRED: "a section heading is missing and was inferred from the content",
    ErrorCode.SECTION_OUT_OF_ORDER: "section numbering skips or restarts",
    ErrorCode.TABLE_MISSING: "a table of the template is missing",
    ErrorCode.TABLE_TRUNCATED: "a table is cut short",
    ErrorCode.ROW_MISSING: "a row of the template is missing from its table",
    ErrorCode.ROW_DUPLICATE: "a row label appears twice in one table",
    ErrorCode.ROW_TOO_MANY_CELLS: "a row has more value cells than the template's columns",
    ErrorCode.ROW_TOO_FEW_CELLS: "a row has fewer value cells than the template's columns",
    ErrorCode.CELL_UNPARSEABLE: "a cell holds text where a number belongs",
    ErrorCode.CELLS_GLUED_AMBIGUOUS: "a row's digits were printed without separators and several splits fit",
    ErrorCode.CELLS_GLUED_UNREADABLE: "a row's digits were printed without separators and no split fits",
    ErrorCode.VALUES_WITHOUT_LABEL: "numbers were printed with no row label to place them",
    ErrorCode.LABEL_UNMATCHED: "a row label matched no canonical label above the threshold",
    ErrorCode.LABEL_AMBIGUOUS: "a row label matched several canonical labels equally well",
    ErrorCode.CONFIG_INVALID: "a configuration file is missing or invalid",
    ErrorCode.QUERY_INVALID: "the search query or one of its parameters is invalid",
    ErrorCode.QUERY_TOO_LONG: "the search query is longer than allowed",
    ErrorCode.PAGE_TOKEN_INVALID: "the next-page token is not one this server issued",
    ErrorCode.REPORT_NOT_FOUND: "no report with that id is indexed",
    ErrorCode.BACKEND_UNAVAILABLE: "the search backend cannot be reached",
    ErrorCode.INDEX_FAILED: "the backend refused to index a document",
    ErrorCode.OPTION_UNSUPPORTED: "the chosen backend does not support this option",
    ErrorCode.INDEX_NOT_FOUND: "there is no index in this data folder: run govreport ingest first",
}


def one_line(text: str) -> str:
    """Text on one line: a message or a file name quoted from a library (lxml, pdfminer) may hold line
    breaks, and every message is printed as one line `file: [code] message`."""
    return _LINE_BREAKS.sub(" ", text).strip()


def printable_name(name: str) -> str:
    """A file name as printed: control characters (a newline in a name) escaped, so the line stays one."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], name)


class GovReportError(Exception):
    """An error with a catalogue code and the place it happened (file, line, parameter)."""

    def __init__(
        self,
        code: ErrorCode,
        message: str | None = None,
        *,
        source: str | None = None,
        line: int | None = None,
        parameter: str | None = None,
    ) -> None:
        self.code = code
        self.message = one_line(message or CATALOGUE[code])
        self.source = source
        self.line = line
        self.parameter = parameter
        super().__init__(self.describe())

    def describe(self) -> str:
        where = printable_name(self.source or (f"parameter {self.parameter}" if self.parameter else ""))
        if where and self.line:
            where = f"{where}:{self.line}"
        prefix = f"{where}: " if where else ""
        return f"{prefix}[{self.code.value}] {self.message}"

    def to_problem(self) -> Problem:
        from nlp.schema import Problem

        return Problem(code=self.code.value, message=self.message, source=self.source, line=self.line)


def problem(code: ErrorCode, message: str | None = None, **where: object) -> Problem:
    """A Problem with the catalogue's wording unless a more specific message is given."""
    from nlp.schema import Problem

    return Problem(code=code.value, message=one_line(message or CATALOGUE[code]), **where)  # type: ignore[arg-type]
