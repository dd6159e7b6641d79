"""Unicode for the characters of an embedded TrueType font that carries no ToUnicode map.

pdfium reads such a character as its bare code (and flags it); pdfminer, which this reader replaced,
looked the glyph up in the font program's own `cmap` table instead (for Identity-coded CID fonts,
where the code is the glyph id), and reports set in those fonts read as text. This is that lookup,
as a pure function of the font program's bytes, read with fontTools: every Unicode subtable
(platform 0, or Windows with encoding 1 or 10 — not Windows symbol, 3/0) of format 0, 2, 4, 6 or 12.
Where several characters share a glyph the last one listed wins, as in pdfminer: the subtables in the
order the cmap lists them, each one's characters in ascending order (the order in which the spec has
segments and groups listed), a later subtable's glyph for a character replacing an earlier one's while
the character keeps its first place in the list. (A format 4 segment that takes its glyphs from the
glyph array is read as the spec has it; pdfminer started the i-th such segment i entries too early.)

Skipped rather than failing the file: subtables of other formats (14: variation sequences; 8 and
13, as pdfminer did; 10, which pdfminer read but fontTools does not and fonts do not use), and a
damaged subtable. Glyph 0 (.notdef) stands for no character. A program that is not TrueType (CFF
'OTTO', a collection, junk) or cannot be read gives an empty map, never an error. fontTools is
imported only when such a font is met.
"""

from __future__ import annotations

import io
import struct
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fontTools.ttLib import TTFont

__all__ = ["glyph_unicode"]

_TRUETYPE = (b"\x00\x01\x00\x00", b"true")  # sfnt versions of fonts with TrueType outlines
_FORMATS = frozenset({0, 2, 4, 6, 12})


def _damaged() -> tuple[type[Exception], ...]:
    """What fontTools raises on a damaged font: its own TTLibError where it checks, and otherwise what
    its struct and array reads of data shorter than a table claims raise (struct.error, ValueError),
    the lengths it asserts (AssertionError), a missing table (KeyError) or an offset past the end
    (IndexError). Anything else would be a bug here or in fontTools, and should be seen."""
    from fontTools.ttLib import TTLibError

    return (TTLibError, struct.error, ValueError, AssertionError, KeyError, IndexError)


def _is_unicode(platform: int, encoding: int) -> bool:
    # not fontTools' isUnicode(), which counts Windows symbol (3/0) as Unicode
    return platform == 0 or (platform == 3 and encoding in (1, 10))


def _name_glyphs_by_id(font: TTFont) -> None:
    """fontTools gives a subtable's glyphs by name, from the font's glyph order. An embedded subset
    usually has no `post` table of names, and fontTools would then make names up from the cmap itself
    (decoding it twice, with the Adobe Glyph List); a damaged `post` would lose the whole cmap. Only ids
    matter here, so the glyph order is set to fontTools' own names for unnamed glyphs ("glyph00042"),
    which getGlyphID reads back as ids — also past the glyph count `maxp` gives, or without one."""
    try:
        count = int(font["maxp"].numGlyphs)
    except _damaged():
        count = 0
    font.setGlyphOrder([f"glyph{gid:05d}" for gid in range(count)])


def _char_glyphs(font: TTFont) -> dict[int, int]:
    """Character → glyph id over the font's Unicode subtables, in pdfminer's order (see above)."""
    damaged = _damaged()
    _name_glyphs_by_id(font)
    try:
        subtables = font["cmap"].tables  # reads the subtables' headers only (lazy)
    except damaged:
        return {}
    char2gid: dict[int, int] = {}
    for table in subtables:
        if not (_is_unicode(table.platformID, table.platEncID) and table.format in _FORMATS):
            continue
        try:
            # decodes the subtable; sorted: the rule above, not the order fontTools' dict happens to keep
            mapping = sorted(table.cmap.items())
            gids = font.getGlyphIDMany([name for _, name in mapping])
        except damaged:
            continue  # a damaged subtable: the others still count
        for (char, _), gid in zip(mapping, gids, strict=True):
            char2gid[char] = gid
    return char2gid


def glyph_unicode(font_program: bytes) -> dict[int, str]:
    """Glyph id → the character the font's Unicode cmap gives it; empty when the program has none."""
    if font_program[:4] not in _TRUETYPE:
        return {}
    from fontTools.ttLib import TTFont

    try:
        font = TTFont(io.BytesIO(font_program), lazy=True)  # reads the table directory only
    except _damaged():
        return {}
    with font:
        char2gid = _char_glyphs(font)
    return {gid: chr(char) for char, gid in char2gid.items() if char <= sys.maxunicode}
