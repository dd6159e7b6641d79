"""Unicode for the characters of an embedded TrueType font that carries no ToUnicode map.

pdfium reads such a character as its bare code (and flags it); pdfminer, which this reader replaced,
looked the glyph up in the font program's own `cmap` table instead (for Identity-coded CID fonts,
where the code is the glyph id), and reports set in those fonts read as text. This is that lookup,
as a pure function of the font program's bytes: every Unicode subtable (platform 0, or Windows with
encoding 1 or 10), formats 0, 2, 4, 6, 10 and 12, and where several characters share a glyph the
last one listed wins, as in pdfminer. Subtables of other formats (14: variation sequences) are
skipped rather than failing the file.
"""

from __future__ import annotations

import struct

__all__ = ["glyph_unicode"]


def _tables(data: bytes) -> dict[bytes, int]:
    """Table tag → offset, from the font's table directory (empty when it is not TrueType)."""
    if len(data) < 12 or data[:4] not in (b"\x00\x01\x00\x00", b"true"):
        return {}
    (count,) = struct.unpack_from(">H", data, 4)
    tables = {}
    for i in range(count):
        entry = 12 + 16 * i
        if entry + 16 > len(data):
            break
        tag, _checksum, offset, _length = struct.unpack_from(">4sLLL", data, entry)
        tables[tag] = offset
    return tables


def _format_0(data: bytes, at: int, char2gid: dict[int, int]) -> None:
    char2gid.update(enumerate(struct.unpack_from(">256B", data, at + 6)))


def _format_2(data: bytes, at: int, char2gid: dict[int, int]) -> None:
    keys = struct.unpack_from(">256H", data, at + 6)
    firstbytes = [0] * 8192
    for i, key in enumerate(keys):
        firstbytes[key // 8] = i
    headers_at = at + 6 + 512
    for i in range(max(keys) // 8 + 1):
        entry = headers_at + 8 * i
        firstcode, count, delta, offset = struct.unpack_from(">HHhH", data, entry)
        if not count:
            continue
        first = firstcode + (firstbytes[i] << 8)
        glyphs = struct.unpack_from(f">{count}H", data, entry + 6 + offset)
        for c, gid in enumerate(glyphs):
            char2gid[first + c] = gid + delta if gid else gid


def _format_4(data: bytes, at: int, char2gid: dict[int, int]) -> None:
    (segments,) = struct.unpack_from(">H", data, at + 6)
    segments //= 2
    ends_at = at + 14
    ends = struct.unpack_from(f">{segments}H", data, ends_at)
    starts = struct.unpack_from(f">{segments}H", data, ends_at + 2 * segments + 2)
    deltas = struct.unpack_from(f">{segments}h", data, ends_at + 4 * segments + 2)
    ranges_at = ends_at + 6 * segments + 2
    ranges = struct.unpack_from(f">{segments}H", data, ranges_at)
    for end, start, delta, range_offset in zip(ends, starts, deltas, ranges, strict=True):
        if range_offset:
            # as pdfminer reads it: the glyph array from the idRangeOffset table's start plus the offset
            glyphs = struct.unpack_from(f">{end - start + 1}H", data, ranges_at + range_offset)
            for c, gid in zip(range(start, end + 1), glyphs, strict=True):
                char2gid[c] = (gid + delta) & 0xFFFF
        else:
            for c in range(start, end + 1):
                char2gid[c] = (c + delta) & 0xFFFF


def _format_6(data: bytes, at: int, char2gid: dict[int, int]) -> None:
    first, count = struct.unpack_from(">HH", data, at + 6)
    for i, gid in enumerate(struct.unpack_from(f">{count}H", data, at + 10)):
        char2gid[first + i] = gid


def _format_10(data: bytes, at: int, char2gid: dict[int, int]) -> None:
    first, count = struct.unpack_from(">II", data, at + 12)
    for i, gid in enumerate(struct.unpack_from(f">{count}H", data, at + 20)):
        char2gid[first + i] = gid


def _format_12(data: bytes, at: int, char2gid: dict[int, int]) -> None:
    (groups,) = struct.unpack_from(">I", data, at + 12)
    for i in range(groups):
        start, end, gid = struct.unpack_from(">III", data, at + 16 + 12 * i)
        for code in range(start, end + 1):
            char2gid[code] = gid
            gid += 1


_FORMATS = {0: _format_0, 2: _format_2, 4: _format_4, 6: _format_6, 10: _format_10, 12: _format_12}


def glyph_unicode(font_program: bytes) -> dict[int, str]:
    """Glyph id → the character the font's Unicode cmap gives it; empty when the program has none."""
    cmap = _tables(font_program).get(b"cmap")
    if cmap is None:
        return {}
    char2gid: dict[int, int] = {}
    try:
        _version, count = struct.unpack_from(">HH", font_program, cmap)
        for i in range(count):
            platform, encoding, offset = struct.unpack_from(">HHL", font_program, cmap + 4 + 8 * i)
            if not (platform == 0 or (platform == 3 and encoding in (1, 10))):
                continue  # not a Unicode subtable
            at = cmap + offset
            (fmt,) = struct.unpack_from(">H", font_program, at)
            parse = _FORMATS.get(fmt)
            if parse is not None:
                parse(font_program, at, char2gid)
    except (struct.error, ValueError):
        pass  # a damaged table: keep what was read
    unicode: dict[int, str] = {}
    for char, gid in char2gid.items():
        try:
            unicode[gid] = chr(char)
        except (ValueError, OverflowError):
            continue
    return unicode
