"""Schema step m010: indexes for the dashboard figures (issue 18). Frozen once released."""
from __future__ import annotations

from sqlite_utils import Database


def step(db: Database) -> None:
    """Filled in by the issue's work in this session; nothing to do yet."""
