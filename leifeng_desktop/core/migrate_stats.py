"""Schema step m010: indexes for the dashboard figures (issue 18). Frozen once released.

Both are covering indexes for core.stats_passes: the participations of the scope's activities are summed per
activity and their distinct members counted by reading the index alone (not the 400,000 rows), and the scope's
activities are grouped by category, form, month and unit from the index alone (not the rows with their texts).
"""
from __future__ import annotations

from sqlite_utils import Database

INDEXES = {
    "idx_participant_stats": ("participant", ("activity_id", "member_id", "minutes")),
    "idx_activity_stats": ("activity", ("starts_at", "unit", "category", "service_form", "beneficiaries", "id")),
}


def step(db: Database) -> None:
    for name, (table, columns) in INDEXES.items():
        quoted = ", ".join(f'"{c}"' for c in columns)
        db.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}"({quoted})')
