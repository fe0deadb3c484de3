"""The fonts and sizes of the app's Word documents, chosen so the page breaks do not depend on the PC.

Body 仿宋, headings 黑体/楷体, names a stock Windows 10/11 and WPS have (GB/T 9704 asks for 仿宋体, not for the
仿宋_GB2312 file). The title keeps 方正小标宋简体 (GB/T 9704's 小标宋), declared with 宋体 as its fall-back. Every CJK
glyph is one em wide whatever the face and every prose line has an exact height, so a fall-back moves no line or
page break; Latin text and digits stay Times New Roman, which every Windows has.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from docx.opc.constants import RELATIONSHIP_TYPE as RT

if TYPE_CHECKING:
    from docx.document import Document

# Font sizes by their Chinese names (points).
SIZE_2, SIZE_XIAO2, SIZE_3, SIZE_XIAO3, SIZE_4, SIZE_XIAO4, SIZE_5 = 22, 18, 16, 15, 14, 12, 10.5

FANGSONG, XIAOBIAOSONG, SONG, HEI, KAI = "仿宋", "方正小标宋简体", "宋体", "黑体", "楷体"
LATIN = "Times New Roman"
# fontTable entries: the name and what Word/WPS look for where it is missing (w:altName)
FALLBACKS = {XIAOBIAOSONG: SONG, FANGSONG: "FangSong", KAI: "KaiTi", HEI: "SimHei", SONG: "SimSun"}


def register_fonts(doc: Document) -> None:
    """Declare the CJK fonts (GB2312 charset, fall-back name) in word/fontTable.xml."""
    part = doc.part.part_related_by(RT.FONT_TABLE)
    entries = "".join(
        f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
        f'<w:family w:val="{"swiss" if name == HEI else "modern"}"/><w:pitch w:val="fixed"/></w:font>'
        for name, alt in FALLBACKS.items())
    blob = part.blob.decode("utf-8")
    part._blob = blob.replace("</w:fonts>", entries + "</w:fonts>").encode("utf-8")
