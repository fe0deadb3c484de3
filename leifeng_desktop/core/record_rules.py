"""Rules that span records (a participant's minutes within its activity's duration …), checked inside the write
transaction of every Store.insert and Store.update, whatever program writes.

`check` gets the record as it will be stored (for an update: the stored row with the new values over it; column
values as stored, MULTI as JSON text) and returns {field_key: Chinese message}; the store raises ValidationError
when it is not empty, and nothing is written.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .store import Store


def check(store: "Store", type_key: str, values: dict, record_id: str | None) -> dict[str, str]:
    """Problems of `values` (a `type_key` record; `record_id` None for an insert) against other records."""
    return {}
