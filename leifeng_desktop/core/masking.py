"""How sensitive values look when they leave the app (exports, lists, screenshots)."""
from __future__ import annotations

from typing import Any

from . import crypto
from . import schema as s


def mask_id_number(value: str) -> str:
    """First 6 + ******** + last 4, as domain.md asks."""
    value = value or ""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "********" + value[-4:]


def mask_phone(value: str) -> str:
    value = value or ""
    digits = value.replace("-", "").replace(" ", "")
    if len(digits) < 8:
        return "*" * len(value)
    return digits[:3] + "****" + digits[-4:]


def mask(field: s.Field, value: Any, *, reveal: bool = False) -> Any:
    """The value as it may be shown outside the app. Income, health and bank data are left out entirely; a value
    of a locked file (crypto.LOCKED) stays the 已加密 marker, never masked digits of it."""
    if reveal or not field.sensitive or value in (None, "") or crypto.is_locked(value):
        return value
    if field.check == s.RIC:
        return mask_id_number(str(value))
    if field.check == s.PHONE:
        return mask_phone(str(value))
    return ""


def mask_record(rt: s.RecordType, record: dict[str, Any], *, reveal: bool = False) -> dict[str, Any]:
    if reveal:
        return dict(record)
    return {k: (mask(rt.field(k), v) if k in rt.sensitive_keys else v) for k, v in record.items()}
