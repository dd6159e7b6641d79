"""Unicode from an embedded TrueType font's own cmap, for characters the PDF maps to no Unicode.

The fonts are built with fontTools' FontBuilder from a declared character → glyph mapping, so what the
lookup should give is known without reading the bytes back with the code under test."""

from __future__ import annotations

import io
import struct

from fontTools.fontBuilder import FontBuilder, buildCmapSubTable
from fontTools.pens.t2CharStringPen import T2CharStringPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont

from nlp.readers.pdfium_fonts import glyph_unicode

GLYPHS = [".notdef", "A", "B", "C", "x", "shared"]
Subtable = tuple[int, int, int, dict[int, str]]  # platform, encoding, format, character → glyph name


def _font(
    mapping: dict[int, str] | None = None,
    *,
    subtables: list[Subtable] | None = None,
    variations: list[tuple[int, int, str]] | None = None,
    glyph_names: bool = True,
    cff: bool = False,
) -> bytes:
    """A font program with the glyphs GLYPHS (ids 0–5) and a cmap: FontBuilder's usual subtables for
    `mapping` (and a format 14 one for `variations`), or exactly `subtables`. Without glyph names its
    `post` table has none, as embedded subsets often do."""
    builder = FontBuilder(1000, isTTF=not cff)
    builder.setupGlyphOrder(GLYPHS)
    builder.setupCharacterMap(mapping or {}, uvs=variations)
    if subtables is not None:
        builder.font["cmap"].tables = [
            buildCmapSubTable(m, fmt, platform, encoding) for platform, encoding, fmt, m in subtables
        ]
    if cff:
        empty = T2CharStringPen(500, None).getCharString()
        builder.setupCFF("Test", {"FullName": "Test"}, dict.fromkeys(GLYPHS, empty), {})
    else:
        builder.setupGlyf({name: TTGlyphPen(None).glyph() for name in GLYPHS})
    builder.setupHorizontalMetrics({name: (500, 0) for name in GLYPHS})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupPost(keepGlyphNames=glyph_names)
    out = io.BytesIO()
    builder.save(out)
    return out.getvalue()


def _subtables(program: bytes) -> list[tuple[int, int, int]]:
    """(platform, encoding, format) of the program's cmap subtables, in the order it lists them."""
    return [(t.platformID, t.platEncID, t.format) for t in TTFont(io.BytesIO(program))["cmap"].tables]


def test_readers_pdf_fonts_format_4_maps_glyphs_back_to_characters() -> None:
    font = _font({ord("A"): "A", ord("B"): "B", ord("C"): "C", ord("x"): "x"})
    assert _subtables(font) == [(0, 3, 4), (3, 1, 4)]
    assert glyph_unicode(font) == {1: "A", 2: "B", 3: "C", 4: "x"}  # .notdef (0) stands for nothing


def test_readers_pdf_fonts_subset_without_glyph_names_reads_the_same() -> None:
    """Embedded subsets usually carry no glyph names (a `post` table of format 3, or none)."""
    mapping = {ord("A"): "A", 0x4E00: "shared", 0x20000: "C"}
    assert glyph_unicode(_font(mapping, glyph_names=False)) == glyph_unicode(_font(mapping))
    assert glyph_unicode(_font(mapping, glyph_names=False)) == {1: "A", 5: "一", 3: "\U00020000"}


def test_readers_pdf_fonts_format_12_reads_characters_beyond_the_bmp() -> None:
    font = _font({ord("A"): "A", 0x20000: "B"})  # 𠀀, only in the format 12 subtable
    assert _subtables(font) == [(0, 3, 4), (3, 1, 4), (3, 10, 12)]
    assert glyph_unicode(font) == {1: "A", 2: "\U00020000"}
    alone = _font(subtables=[(3, 10, 12, {ord("A"): "A", 0x20000: "B"})])
    assert glyph_unicode(alone) == {1: "A", 2: "\U00020000"}


def test_readers_pdf_fonts_last_character_listed_wins_a_shared_glyph() -> None:
    # in one subtable, characters in ascending order: 一 after x
    assert glyph_unicode(_font({ord("x"): "shared", 0x4E00: "shared"})) == {5: "一"}
    # across subtables, as in pdfminer: a later subtable gives A another glyph (B's), and A keeps its
    # first place in the list, before B; x, listed by the earlier subtable, keeps its place before C,
    # which only the later one lists, so C is the last on their shared glyph though x is the higher
    font = _font(
        subtables=[
            (0, 3, 4, {ord("A"): "A", ord("x"): "shared"}),
            (3, 1, 4, {ord("A"): "B", ord("B"): "B", ord("C"): "shared", ord("x"): "shared"}),
        ]
    )
    assert _subtables(font) == [(0, 3, 4), (3, 1, 4)]
    assert glyph_unicode(font) == {2: "B", 5: "C"}  # nothing left on glyph 1


def test_readers_pdf_fonts_non_unicode_subtables_and_variation_sequences_skipped() -> None:
    symbol = _font(subtables=[(3, 0, 4, {0xF041: "A", 0xF042: "B"})])  # Windows symbol: not Unicode
    assert _subtables(symbol) == [(3, 0, 4)]
    assert glyph_unicode(symbol) == {}
    mac = _font(subtables=[(1, 0, 6, {ord("A"): "A"})])  # Macintosh Roman, format 6
    assert _subtables(mac) == [(1, 0, 6)]
    assert glyph_unicode(mac) == {}
    variations = _font({0x845B: "A"}, variations=[(0x845B, 0xE0100, "B")])  # 葛 and a variant of it
    assert _subtables(variations) == [(0, 3, 4), (0, 5, 14), (3, 1, 4)]
    assert glyph_unicode(variations) == {1: "葛"}


def test_readers_pdf_fonts_cff_junk_and_truncated_programs_give_nothing() -> None:
    cff = _font({ord("A"): "A"}, cff=True)
    assert cff[:4] == b"OTTO" and _subtables(cff) == [(0, 3, 4), (3, 1, 4)]
    assert glyph_unicode(cff) == {}  # a CFF font's codes are CIDs, not glyph ids
    assert glyph_unicode(b"") == {}
    assert glyph_unicode(b"not a font at all") == {}
    assert glyph_unicode(b"\x00\x01\x00\x00" + bytes(range(256)) * 4) == {}  # a TrueType tag, then junk
    font = _font({ord("A"): "A", ord("B"): "B"})
    assert glyph_unicode(font) == {1: "A", 2: "B"}
    cmap_at, cmap_length = _table(font, b"cmap")
    for cut in (3, 11, 40, cmap_at, cmap_at + 4, cmap_at + cmap_length - 1):
        assert glyph_unicode(font[:cut]) == {}, cut


def test_readers_pdf_fonts_damaged_subtable_skipped_the_others_read() -> None:
    font = bytearray(
        _font(subtables=[(3, 1, 4, {ord("A"): "A"}), (3, 10, 12, {ord("B"): "B", 0x20000: "C"})])
    )
    assert glyph_unicode(bytes(font)) == {1: "A", 2: "B", 3: "\U00020000"}
    cmap_at, _ = _table(bytes(font), b"cmap")
    (format_4_at,) = struct.unpack_from(">L", font, cmap_at + 4 + 4)  # first record: 3/1
    at = cmap_at + format_4_at
    assert struct.unpack_from(">H", font, at) == (4,)
    (segments_x2,) = struct.unpack_from(">H", font, at + 6)
    # the first segment's idRangeOffset pointing far past the subtable's glyph array
    struct.pack_into(">H", font, at + 16 + 3 * segments_x2, 0xFFFE)
    assert glyph_unicode(bytes(font)) == {2: "B", 3: "\U00020000"}


def _table(program: bytes, tag: bytes) -> tuple[int, int]:
    """(offset, length) of a table, from the font's table directory."""
    (count,) = struct.unpack_from(">H", program, 4)
    for i in range(count):
        name, _checksum, offset, length = struct.unpack_from(">4sLLL", program, 12 + 16 * i)
        if name == tag:
            return offset, length
    raise AssertionError(tag)
