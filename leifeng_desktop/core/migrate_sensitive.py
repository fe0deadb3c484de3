"""Schema step m008: columns and tables the encrypted sensitive fields need (issue 19). Frozen once released.

The step only shapes the file: the `vault` table (the wrapped data key, the database's id, the wrong-password count)
and the keyed-hash columns beside the encrypted lookup fields. Encrypting the values needs the data key, which lives
outside the file too (core.vault); Store._migrate does it right after the steps, in the same transaction.
"""
from __future__ import annotations

from sqlite_utils import Database

from .migrations import add_column

# the lookup fields of that release (schema.lookup_fields then): table -> columns given `__hmac` and `__tail`
LOOKUPS = {
    "unit": ("phone",),
    "team": ("leader_phone", "contact_phone"),
    "member": ("phone", "id_number"),
    "household": ("id_number", "bank_account", "phone"),
}


def step(db: Database) -> None:
    db.execute("CREATE TABLE IF NOT EXISTS vault (\n"
               "  name TEXT PRIMARY KEY NOT NULL,\n"
               "  value TEXT NOT NULL\n"
               ")")
    for table, columns in LOOKUPS.items():
        for column in columns:
            for suffix in ("__hmac", "__tail"):
                add_column(db, table, f'"{column}{suffix}" TEXT')
                db.execute(f'CREATE INDEX IF NOT EXISTS "idx_{table}_{column}{suffix}" '
                           f'ON "{table}"("{column}{suffix}")')
