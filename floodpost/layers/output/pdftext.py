"""The text layer of the press PDF: what a reader copies must be what the page says.

Qt's PDF writer tells readers which character each glyph stands for (the
font's ToUnicode map) by asking the font, for every code point from 0 up,
which glyph it uses, and keeping the first code point that lands on each
glyph. That goes wrong twice with CJK fonts such as Noto Sans CJK:

- the font maps a Kangxi radical (U+2F00 block) or a CJK radical
  supplement (U+2E80 block) to the same glyph as the everyday ideograph
  (⼈ U+2F08 and 人 U+4EBA), and the radical, being the lower code point,
  wins: 人 月 至 水 大 力 民 … copy as look-alike radicals that no search
  finds;
- the space glyph is also the tab's (U+0009), so every space copies as a
  tab.

(Glyphs that shaping substitutes, such as Noto's Latin digits after its
``locl`` feature, have no code point at all; the page avoids them by
drawing mapped glyphs on vector devices, see
:func:`floodpost.layers.render.fonts.draw_text`.)

Qt offers no way to choose, so :func:`fix_text_layer` rewrites each
font's ToUnicode map after the writer is done: every entry that names a
radical or a control character is replaced by the ordinary character the
*same font* draws with the same glyph. It also gives each embedded font
subset the ``ABCDEF+`` name prefix that marks a subset (PDF 32000 §9.6.4),
which Qt leaves out. QtGui and pypdf only.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from PySide6.QtGui import QFont, QRawFont

#: Code points that must never stand for a glyph in the text layer when the
#: font draws an ordinary character with that glyph.
RADICALS = range(0x2E80, 0x2FE0)  # CJK Radicals Supplement and Kangxi Radicals
#: Where the ordinary characters are looked for, most common first.
IDEOGRAPHS = (range(0x4E00, 0xA000), range(0x3400, 0x4DC0), range(0xF900, 0xFB00))


def _is_control(cp: int) -> bool:
    return cp < 0x20 or 0x7F <= cp < 0xA0


@cache
def _preferred(family: str, bold: bool) -> dict[int, str]:
    """For one font: radical or control code point -> the ordinary character with the same glyph."""
    font = QFont(family)
    font.setPixelSize(64)
    font.setBold(bold)
    raw = QRawFont.fromFont(font)
    if not raw.isValid():
        return {}
    out: dict[int, str] = {}
    by_glyph: dict[int, int] = {}
    for block in IDEOGRAPHS:
        glyphs = raw.glyphIndexesForString("".join(map(chr, block)))
        for cp, g in zip(block, glyphs, strict=False):
            if g and g not in by_glyph:
                by_glyph[g] = cp
    radicals = list(RADICALS)
    for cp, g in zip(radicals, raw.glyphIndexesForString("".join(map(chr, radicals))), strict=False):
        if g and g in by_glyph:
            out[cp] = chr(by_glyph[g])
    printable = [cp for cp in range(0x20, 0x7F)]
    ascii_by_glyph: dict[int, int] = {}
    for cp, g in zip(printable, raw.glyphIndexesForString("".join(map(chr, printable))), strict=False):
        if g and g not in ascii_by_glyph:
            ascii_by_glyph[g] = cp
    controls = [cp for cp in range(0xA0) if _is_control(cp)]
    for cp in controls:
        g = raw.glyphIndexesForString(chr(cp))
        if g and g[0] in ascii_by_glyph:
            out[cp] = chr(ascii_by_glyph[g[0]])
    return out


def ordinary(text: str, fonts: Iterable[tuple[str, bool]]) -> str:
    """``text`` with radicals and control characters replaced as :func:`fix_text_layer` does."""
    tables = [_preferred(f, b) for f, b in fonts]
    out = []
    for ch in text:
        cp = ord(ch)
        rep = next((t[cp] for t in tables if cp in t), None)
        if rep is None and cp in RADICALS:
            folded = unicodedata.normalize("NFKC", ch)
            rep = folded if folded != ch else None
        out.append(rep if rep is not None else ch)
    return "".join(out)


_HEX = re.compile(rb"<([0-9A-Fa-f]+)>")


def parse_cmap(data: bytes) -> dict[int, str]:
    """The code -> text entries of a ToUnicode CMap (bfchar and bfrange, arrays included)."""
    out: dict[int, str] = {}

    def text(h: bytes) -> str:
        return bytes.fromhex(h.decode()).decode("utf-16-be", errors="replace")

    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        codes = _HEX.findall(block)
        for src, dst in zip(codes[0::2], codes[1::2], strict=False):
            out[int(src, 16)] = text(dst)
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for line in re.finditer(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(\[[^\]]*\]|<[0-9A-Fa-f]+>)", block):
            lo, hi, dst = int(line.group(1), 16), int(line.group(2), 16), line.group(3)
            if dst.startswith(b"["):
                for i, h in enumerate(_HEX.findall(dst)):
                    if lo + i <= hi:
                        out[lo + i] = text(h)
            else:
                first = bytes.fromhex(dst[1:-1].decode())
                base = int.from_bytes(first[-2:], "big")
                for i in range(hi - lo + 1):
                    out[lo + i] = (first[:-2] + (base + i).to_bytes(2, "big")).decode("utf-16-be", errors="replace")
    return out


def write_cmap(entries: dict[int, str]) -> bytes:
    """A ToUnicode CMap of ``entries`` (two-byte codes, as Qt's Identity-H fonts use)."""
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        "<0000> <FFFF>",
        "endcodespacerange",
    ]
    items = sorted((k, v) for k, v in entries.items() if v)
    for start in range(0, len(items), 100):
        chunk = items[start:start + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        lines += [f"<{k:04X}> <{v.encode('utf-16-be').hex().upper()}>" for k, v in chunk]
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end", ""]
    return "\n".join(lines).encode("ascii")


def _subset_tag(data: bytes) -> str:
    digest = hashlib.sha1(data).digest()
    return "".join(chr(ord("A") + b % 26) for b in digest[:6])


def fix_text_layer(src: str | Path, dst: str | Path, fonts: Iterable[tuple[str, bool]]) -> int:
    """Rewrite ``src``'s ToUnicode maps and subset names into ``dst``; returns how many entries changed.

    ``fonts`` are the (family, bold) pairs the page was drawn with; the
    replacement for a radical is what those fonts draw with its glyph.
    """
    import pypdf
    from pypdf.generic import NameObject

    fonts = list(fonts)
    writer = pypdf.PdfWriter(clone_from=str(src))
    changed = 0
    done: set[int] = set()
    for page in writer.pages:
        resources = page.get("/Resources")
        font_dict = resources.get_object().get("/Font") if resources is not None else None
        if font_dict is None:
            continue
        for ref in font_dict.get_object().values():
            font = ref.get_object()
            if id(font) in done or font.get("/Subtype") != "/Type0":
                continue
            done.add(id(font))
            unicode_map = font.get("/ToUnicode")
            if unicode_map is not None:
                stream = unicode_map.get_object()
                entries = parse_cmap(stream.get_data())
                fixed = {k: ordinary(v, fonts) for k, v in entries.items()}
                changed += sum(fixed[k] != v for k, v in entries.items())
                stream.set_data(write_cmap(fixed))
            descendant = font["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            name = str(descendant.get("/BaseFont", font.get("/BaseFont", "/Font")))[1:]
            if re.match(r"^[A-Z]{6}\+", name):
                continue
            program = next((descriptor[k].get_object() for k in ("/FontFile2", "/FontFile3", "/FontFile")
                            if k in descriptor), None)
            tagged = NameObject(f"/{_subset_tag(program.get_data() if program is not None else name.encode())}+{name}")
            font[NameObject("/BaseFont")] = tagged
            descendant[NameObject("/BaseFont")] = tagged
            descriptor[NameObject("/FontName")] = tagged
    with open(dst, "wb") as fh:
        writer.write(fh)
    return changed
