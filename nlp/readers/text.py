"""Plain text and Markdown in any common encoding; line numbers stay the file's line numbers.

Decoding order: a byte-order mark decides; then strict UTF-8; then charset-normalizer's best
guess (GBK-family guesses decode as GB18030, their superset), except that GB18030 goes first when
the guess is another East Asian codec or rests on too few bytes (configs/readers.yaml). Binary
junk is refused rather than decoded into mojibake. A Markdown pipe table becomes a grid (its
`|---|` rule line stays, empty, so line numbers do not shift).
"""

from __future__ import annotations

import codecs
import re
import threading
import unicodedata
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from charset_normalizer import from_bytes

from nlp.errors import ErrorCode, GovReportError, problem
from nlp.readers.common import DocumentBuilder, clean_cell_text, grid_from_cells
from nlp.schema import GridCell, Problem, SourceDocument

__all__ = ["decode_text", "read_text", "sniff_binary_kind"]

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF"),
    (b"PK\x03\x04", "a ZIP container (DOCX/XLSX?)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an OLE document (.doc/.xls?)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "gzip data"),
)
_MD_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def sniff_binary_kind(data: bytes) -> str | None:
    """What a binary file looks like from its first bytes, for a helpful message."""
    return next((kind for magic, kind in _MAGIC if data.startswith(magic)), None)


def _bom_encoding(data: bytes) -> str | None:
    return next((enc for bom, enc in _BOMS if data.startswith(bom)), None)


def _bomless_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: NUL bytes (the high byte of ASCII characters) mostly at one parity."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0) / max(1, len(sample[0::2]))
    odd_nuls = sample[1::2].count(0) / max(1, len(sample[1::2]))
    # ASCII among Chinese puts NULs at one parity; a few characters (一 is U+4E00) at the other
    if odd_nuls >= 0.05 and odd_nuls >= 3 * even_nuls:
        return "utf-16-le"
    if even_nuls >= 0.05 and even_nuls >= 3 * odd_nuls:
        return "utf-16-be"
    return None


def _guess_encoding(data: bytes, aliases: Mapping[str, str]) -> str | None:
    best = from_bytes(data[:200_000]).best()
    if best is None:
        return None
    name = str(best.encoding).lower().replace("_", "-")
    return aliases.get(name.replace("-", ""), aliases.get(name, name))


def _control_ratio(text: str) -> float:
    sample = text[:100_000]
    controls = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f\v")
    bad = controls + sample.count("\ufffd")
    return bad / max(1, len(sample))


def _candidates(data: bytes, aliases: Mapping[str, str], config: Mapping[str, Any]) -> list[str]:
    """Encodings to try, best first. Reports are Chinese: GB18030 beats a guess of another East
    Asian codec, and beats any guess made on too few non-ASCII bytes to be trusted."""
    bom = _bom_encoding(data)
    if bom:
        return [bom]
    utf16 = _bomless_utf16(data) if b"\x00" in data[:4096] else None
    if utf16:
        return [utf16]
    guessed = _guess_encoding(data, aliases)
    outranked = {str(e).lower() for e in config.get("gb18030_outranks", [])}
    few = sum(1 for b in data[:100_000] if b >= 0x80) < int(config.get("min_detect_bytes", 64))
    if guessed and not few and guessed not in outranked:
        return ["utf-8", guessed, "gb18030"]
    return [enc for enc in ("utf-8", "gb18030", guessed) if enc]


_BAD_BYTES_SHOWN = 10  # bad-byte runs named one by one; the rest are counted in one more problem


class _Undecodable:
    """Records where a codec gave up (codecs error handler), so one lenient pass finds every bad run."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.runs: list[tuple[int, int]] = []

    def __call__(self, exc: UnicodeError) -> tuple[str, int]:
        assert isinstance(exc, UnicodeDecodeError)
        if len(self.runs) >= self.limit:
            raise exc  # too many: this is not a stray byte or two, it is the wrong encoding
        self.runs.append((exc.start, exc.end))
        return "\ufffd", exc.end


_HANDLER_LOCK = threading.Lock()


def _decode_leniently(data: bytes, encoding: str, limit: int) -> tuple[str, list[tuple[int, int]]] | None:
    """The text with each undecodable run replaced by U+FFFD, and the runs; None past `limit` runs."""
    recorder = _Undecodable(limit)
    with _HANDLER_LOCK:  # codecs' error handlers are process-wide; the name is ours alone
        codecs.register_error("govreport-record", recorder)
        try:
            text = data.decode(encoding, errors="govreport-record")
        except (UnicodeDecodeError, LookupError):
            return None
    return text, recorder.runs


def _bad_bytes_problems(
    data: bytes, runs: list[tuple[int, int]], encoding: str, source: str
) -> list[Problem]:
    """One problem per bad run (its bytes, offset and line), the first few named, the rest counted."""
    problems: list[Problem] = []
    for start, end in runs[:_BAD_BYTES_SHOWN]:
        shown = " ".join(f"{b:02x}" for b in data[start : min(end, start + 8)])
        line = data.count(b"\n", 0, start) + 1
        message = f"bytes {shown} at offset {start} are not valid {encoding}: replaced by U+FFFD"
        problems.append(problem(ErrorCode.READ_BAD_BYTES, message, source=source, line=line))
    if len(runs) > _BAD_BYTES_SHOWN:
        more = f"{len(runs) - _BAD_BYTES_SHOWN} more runs of bad bytes replaced by U+FFFD"
        problems.append(problem(ErrorCode.READ_BAD_BYTES, more, source=source))
    return problems


def _mostly_decoded(text: str, runs: Sequence[tuple[int, int]]) -> bool:
    """The bad runs are strays in a text of this encoding: its non-ASCII characters far outnumber them
    (a GBK text read as UTF-8 fails at nearly every character)."""
    if not runs:
        return True
    sample = text[:200_000]
    decoded = sum(1 for ch in sample if ord(ch) > 0x7F) - sample.count("\ufffd")
    return decoded >= 20 * len(runs)


def _bad_bytes_allowed(data: bytes, config: Mapping[str, Any]) -> int:
    """How many undecodable runs a text may hold and still be read (stray bytes, a cut-off character)."""
    ratio = float(config.get("max_bad_byte_ratio", 0.001))
    return max(int(config.get("min_bad_bytes_allowed", 8)), int(len(data) * ratio))


def decode_text(
    data: bytes, *, source: str, config: Mapping[str, Any], problems: list[Problem] | None = None
) -> tuple[str, str]:
    """The text and the encoding it was decoded with; READ_BINARY / READ_ENCODING when neither works.

    A text that decodes but for a few stray bytes (a truncated last character, two bytes of junk) is
    read, each bad run replaced by U+FFFD and named in `problems` (READ_BAD_BYTES, with its offset):
    first as UTF-8 when UTF-8 is its encoding but for those bytes, else as the best candidate."""
    aliases = {k.replace("-", "").lower(): v for k, v in config.get("codec_aliases", {}).items()}
    if sniff_binary_kind(data):
        raise GovReportError(ErrorCode.READ_BINARY, _binary_message(data), source=source)
    candidates = _candidates(data, aliases, config)
    if b"\x00" in data[:4096] and not any(c.startswith(("utf-16", "utf-32")) for c in candidates):
        raise GovReportError(ErrorCode.READ_BINARY, _binary_message(data), source=source)
    allowed = _bad_bytes_allowed(data, config)
    attempts: list[tuple[str, bool]] = [(encoding, False) for encoding in dict.fromkeys(candidates)]
    if candidates[0] == "utf-8":  # mostly valid UTF-8 beats a strict decoding as GB18030 (mojibake)
        attempts.insert(1, ("utf-8", True))
    attempts += [(e, True) for e in dict.fromkeys(candidates) if (e, True) not in attempts]
    for encoding, lenient in attempts:
        if lenient:
            decoded = _decode_leniently(data, encoding, allowed)
            if decoded is None:
                continue
            text, runs = decoded
            if not _mostly_decoded(text, runs):
                continue
        else:
            try:
                text, runs = data.decode(encoding), []
            except (UnicodeDecodeError, LookupError):
                continue
        if _control_ratio(text) > float(config.get("max_control_ratio", 0.02)):
            raise GovReportError(ErrorCode.READ_BINARY, _binary_message(data), source=source)
        name = encoding.removesuffix("-sig")
        if problems is not None:
            problems.extend(_bad_bytes_problems(data, runs, name, source))
        return text.lstrip("\ufeff"), name
    if b"\x00" in data[:4096]:
        raise GovReportError(ErrorCode.READ_BINARY, _binary_message(data), source=source)
    raise GovReportError(
        ErrorCode.READ_ENCODING, f"the text decodes in none of {', '.join(candidates)}", source=source
    )


def _binary_message(data: bytes) -> str:
    kind = sniff_binary_kind(data)
    return f"binary content, not text (it looks like {kind})" if kind else "binary content, not text"


def _md_cells(line: str) -> list[str]:
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") else body
    return [clean_cell_text([cell]) for cell in body.split("|")]


def _is_md_table_at(lines: list[str], index: int) -> bool:
    return (
        index + 1 < len(lines)
        and lines[index].count("|") >= 2
        and bool(_MD_RULE.match(lines[index + 1]))
        and lines[index + 1].count("-") >= 3
    )


def _md_table_end(lines: list[str], start: int) -> int:
    end = start + 2
    while end < len(lines) and lines[end].count("|") >= 2:
        end += 1
    return end


def _add_md_table(builder: DocumentBuilder, lines: list[str], start: int, end: int) -> None:
    """A pipe table: header row, the rule line (kept as an empty row), body rows."""
    rows = [[] if i == start + 1 else _md_cells(lines[i]) for i in range(start, end)]
    cells = [GridCell(text=text, row=r, col=c) for r, row in enumerate(rows) for c, text in enumerate(row)]
    builder.add_table(grid_from_cells(cells), source_line=start + 1)


_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6}\s+|>\s?)")
_MD_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")


def _md_plain(line: str) -> str:
    """A Markdown line as the report's text: heading marks, quote marks and bold dropped."""
    return _MD_EMPHASIS.sub(r"\2", _MD_HEADING.sub("", line)).rstrip("# ").rstrip() if line.strip() else line


def _split_lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def read_text(
    data: bytes, *, source: str, config: Mapping[str, Any], markdown: bool = False
) -> SourceDocument:
    builder = DocumentBuilder()
    text, encoding = decode_text(data, source=source, config=config, problems=builder.problems)
    lines = _split_lines(text)
    chrome = _chrome_patterns(tuple(config.get("chrome", ())))
    index = 0
    while index < len(lines):
        if markdown and _is_md_table_at(lines, index):
            end = _md_table_end(lines, index)
            _add_md_table(builder, lines, index, end)
            index = end
            continue
        line = _md_plain(lines[index]) if markdown else lines[index]
        line = _without_chrome(line.replace("\f", ""), chrome)  # \f: pdftotext's page break
        _add_text_line(builder, line, index + 1)
        index += 1
    media_type = "text/markdown" if markdown else "text/plain"
    return builder.build(source=source, data=data, media_type=media_type, encoding=encoding)


@lru_cache(maxsize=4)
def _chrome_patterns(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in patterns)


def _without_chrome(line: str, chrome: Sequence[re.Pattern[str]]) -> str:
    for pattern in chrome:
        line = pattern.sub("", line)
    return line


def _add_text_line(builder: DocumentBuilder, line: str, number: int) -> None:
    """Every source line is kept (blank ones too) so line numbers stay the file's."""
    if line.strip():
        builder.add_paragraph(line, source_line=number)
    else:
        builder.add_blank(line, source_line=number)
