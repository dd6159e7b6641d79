"""Unicode from an embedded TrueType font's own cmap, for characters the PDF maps to no Unicode."""

from __future__ import annotations

import struct

from nlp.readers.pdfium_fonts import glyph_unicode


def _font(*subtables: tuple[int, int, bytes]) -> bytes:
    """A TrueType program holding only a cmap table with these (platform, encoding, subtable)."""
    header = struct.pack(">HH", 0, len(subtables))
    offset = 4 + 8 * len(subtables)
    records, bodies = b"", b""
    for platform, encoding, body in subtables:
        records += struct.pack(">HHL", platform, encoding, offset + len(bodies))
        bodies += body
    cmap = header + records + bodies
    directory = struct.pack(">LHHHH", 0x00010000, 1, 16, 0, 0) + struct.pack(
        ">4sLLL", b"cmap", 0, 28, len(cmap)
    )
    return directory + cmap


def _format_4(segments: list[tuple[int, int, int]]) -> bytes:
    """(start, end, delta) segments, the 0xFFFF terminator added."""
    segments = [*segments, (0xFFFF, 0xFFFF, 1)]
    count = len(segments)
    ends = struct.pack(f">{count}H", *(end for _, end, _ in segments))
    starts = struct.pack(f">{count}H", *(start for start, _, _ in segments))
    deltas = struct.pack(f">{count}h", *(delta for _, _, delta in segments))
    ranges = struct.pack(f">{count}H", *([0] * count))
    body = struct.pack(">HHHH", 2 * count, 0, 0, 0) + ends + b"\0\0" + starts + deltas + ranges
    return struct.pack(">HHH", 4, 6 + len(body), 0) + body


def _format_12(groups: list[tuple[int, int, int]]) -> bytes:
    body = struct.pack(">I", len(groups)) + b"".join(struct.pack(">III", *g) for g in groups)
    return struct.pack(">HHII", 12, 0, 12 + len(body), 0) + body


def test_readers_pdf_fonts_format_4_segments_map_glyphs_back_to_characters() -> None:
    font = _font((3, 1, _format_4([(ord("A"), ord("C"), 3 - ord("A"))])))  # A B C → glyphs 3 4 5
    assert glyph_unicode(font) == {3: "A", 4: "B", 5: "C", 0: "\uffff"}


def test_readers_pdf_fonts_later_subtable_wins_a_shared_glyph() -> None:
    font = _font(
        (3, 1, _format_4([(ord("x"), ord("x"), 7 - ord("x"))])),
        (3, 10, _format_12([(0x4E00, 0x4E01, 7)])),  # 一 also on glyph 7, 丁 on 8
    )
    unicode = glyph_unicode(font)
    assert (unicode[7], unicode[8]) == ("一", "丁")


def test_readers_pdf_fonts_non_unicode_and_unknown_subtables_skipped() -> None:
    symbol = _font((3, 0, _format_4([(0xF041, 0xF041, 1)])))  # Windows symbol encoding: not Unicode
    assert glyph_unicode(symbol) == {}
    variations = _font((0, 5, struct.pack(">HL", 14, 10) + b"\0\0\0\0"))  # format 14 (pdfminer failed)
    assert glyph_unicode(variations) == {}


def test_readers_pdf_fonts_not_truetype_or_damaged_gives_nothing() -> None:
    assert glyph_unicode(b"OTTO" + b"\0" * 40) == {}
    assert glyph_unicode(b"") == {}
    assert glyph_unicode(_font((3, 1, _format_4([(65, 66, 1)])))[:40]) == {}
