"""Schema step m008: columns and tables the encrypted sensitive fields need (issue 19). Frozen once released."""
from __future__ import annotations

from sqlite_utils import Database


def step(db: Database) -> None:
    """Filled in by the issue's work in this session; nothing to do yet."""
