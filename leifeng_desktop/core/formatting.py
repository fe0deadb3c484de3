"""Values as a clerk reads them: lists, exports and the CLI all show fields through here."""
from __future__ import annotations

from . import schema as s
from .masking import mask
from .validation import as_list, fen_to_yuan, minutes_to_hours

HIDDEN = "（已隐藏）"


def display(field: s.Field, value, *, reveal: bool = False) -> str:
    """Text for one stored value; sensitive values are masked unless reveal=True."""
    if value is None or value == "" or value == []:
        return ""
    if field.sensitive and not reveal:
        masked = mask(field, value)
        return masked if masked else HIDDEN
    t = field.type
    if t == s.MONEY:
        return fen_to_yuan(value)
    if t == s.HOURS:
        return minutes_to_hours(value)
    if t == s.MULTI:
        return "、".join(as_list(value))
    if t == s.BOOL:
        return "是" if value else "否"
    if t == s.DATETIME:
        return str(value).replace("T", " ")[:16]
    return str(value)
