"""Schema step m009: indexes and text search for the record lists (issue 18). Frozen once released: the tables,
columns and fields below are written out as they are at this step, never read from core/schema.py (a later schema
change gets a step of its own; tests/core/test_query_plans.py checks these lists still match the schema).

Indexes: one on every column a list sorts by (the default sort and every non-sensitive shown column) and on the
columns the list filters compare; core.listing orders by the column then rowid, so a page is an index walk.

Search: one FTS5 table `<type>_search` per record type with searchable text, rowid = the record's rowid, columns
`title` (the record's title field) and `body` (its other non-sensitive text, choice and unit fields). Every
character is its own token (the text is stored with a space between characters, and every category but spaces
and controls is a token character), so a substring of any length is a phrase query: one- and two-character
searches use the index like longer ones. A private-use character between fields keeps a phrase from spanning two.
The view `<type>_search_text` is the one place naming the fields; the triggers copy from it, so imports, restores
from the 回收站 and bundle imports need nothing more. A later step that removes or rebuilds a searchable column
calls drop_search_text first and define_search after with the fields as they are then.
"""
from __future__ import annotations

from collections.abc import Sequence

from sqlite_utils import Database

SEQ = "list_search_seq"     # the numbers 1..SEQ_MAX, to split text into characters inside a trigger
SEQ_MAX = 40000             # longer than every record's searchable text (a 20,000-character LONGTEXT and the rest)
BOUNDARY = 57344            # U+E000 between fields and list items: a token no search contains
TOKENIZE = "unicode61 remove_diacritics 0 categories 'L* N* Co M* P* S*'"

# record type -> (title field or None, other searchable fields, the MULTI fields among them): as at this step
SEARCH: dict[str, tuple[str | None, tuple[str, ...], tuple[str, ...]]] = {
    "unit": ("name", ("kind", "contact", "note"), ()),
    "working_group": ("name", ("leader", "members"), ()),
    "team": ("name", ("kind", "unit", "leader", "leader_title", "contact", "categories", "service_forms", "area",
                      "intro", "note"), ("categories", "service_forms")),
    "member": ("name", ("gender", "politics", "work", "skills", "volunteer_no"), ()),
    "activity": ("title", ("place", "served", "category", "service_form", "leader", "recorder", "evaluation",
                           "summary"), ()),
    "attachment": ("name", ("sha256", "kind", "note"), ()),
    "publicity": ("title", ("kind", "outlet", "link", "note"), ()),
    "enterprise_visit": ("enterprise", ("leader", "visitors", "uscc", "address", "industry", "interviewees",
                                        "note"), ()),
    "demand": ("content", ("kind", "handler", "status", "reply"), ()),
    "household": ("name", ("gender", "employer", "work_status", "hardship", "main_cause", "other_causes", "address",
                           "filed_by"), ("other_causes",)),
    "family_member": ("name", ("relation", "school"), ()),
    "household_visit": (None, ("visitors", "findings", "needs"), ()),
    "aid": ("programme", ("goods", "handler", "note"), ()),
    "honor": ("name", ("category", "subject_kind", "employer", "deeds", "status", "doc_no"), ()),
    "submission": ("material", ("unit", "methods", "note"), ("methods",)),
}

# record type -> columns a list sorts by (the default sort and every non-sensitive shown column), as at this step
SORTS: dict[str, tuple[str, ...]] = {
    "unit": ("name", "kind", "contact", "expected"),
    "working_group": ("name", "leader"),
    "team": ("created_at", "name", "kind", "leader", "founded_on"),
    "member": ("name", "gender", "birth_month", "politics", "work", "skills", "volunteer_no"),
    "activity": ("starts_at", "title", "category", "service_form", "beneficiaries"),
    "participant": ("created_at", "minutes"),
    "attachment": ("name", "kind", "size", "note"),
    "publicity": ("date", "kind", "title", "outlet", "participants", "link"),
    "enterprise_visit": ("date", "leader", "visitors", "enterprise", "uscc", "address", "industry", "workers",
                         "interviewees"),
    "demand": ("kind", "handler", "due_on", "status"),
    "household": ("created_at", "name", "gender", "employer", "hardship", "main_cause", "family_size"),
    "family_member": ("name", "relation", "birth_month", "school"),
    "household_visit": ("date", "visitors"),
    "aid": ("date", "programme", "amount", "goods", "handler"),
    "honor": ("recommended_on", "category", "subject_kind", "name", "employer", "status", "doc_no"),
    "submission": ("date", "material", "methods"),
}

# columns the list filters compare (equality, or a date range written as a range on the column itself)
FILTERS: dict[str, tuple[str, ...]] = {
    "activity": ("category", "service_form", "starts_at"),
    "enterprise_visit": ("date",),
    "demand": ("status", "due_on"),
    "household_visit": ("date",),
    "aid": ("programme", "date"),
    "household": ("hardship",),
}


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def index(table: str, column: str) -> str:
    return f'CREATE INDEX IF NOT EXISTS "idx_{table}_{column}" ON {_q(table)}({_q(column)})'


def _spaced(text: str) -> str:
    """SQL: the text with a space after every character (group_concat follows the seq table's rowid order)."""
    return f"(SELECT group_concat(substr({text}, n, 1), ' ') FROM {SEQ} WHERE n <= length({text}))"


def _field_text(key: str, multi: bool) -> str:
    col = _q(key)
    if multi:   # the items of a JSON list, each apart from the next
        return (f"CASE WHEN json_valid({col}) THEN (SELECT group_concat(value, char({BOUNDARY})) "
                f"FROM json_each({col})) ELSE {col} END")
    return col


def drop_search_text(db: Database, table: str) -> None:
    """Before a step removes or rebuilds a searchable column of `table`: its view names the columns, and SQLite
    checks the view and the triggers that read it whenever the table changes shape."""
    for when in ("ai", "au", "ad"):
        db.execute(f'DROP TRIGGER IF EXISTS "{table}_search_{when}"')
    db.execute(f'DROP VIEW IF EXISTS {_q(table + "_search_text")}')


def define_search(db: Database, table: str, title: str | None, body: Sequence[str], multi: Sequence[str] = ()) -> None:
    """The search text of `table`: its view from these fields (title, the others, the JSON lists among them), the
    FTS table filled from it, the triggers that keep it current."""
    t, fts, view = _q(table), _q(f"{table}_search"), _q(f"{table}_search_text")
    title_sql = _spaced(f"ifnull({_q(title)}, '')") if title else "''"
    parts = [f"ifnull({_field_text(k, k in multi)}, '')" for k in body]
    body_sql = _spaced(f" || char({BOUNDARY}) || ".join(parts)) if parts else "''"
    # delete, then insert: a record written with INSERT OR REPLACE takes its rowid's place without a delete
    # trigger, and FTS5 refuses OR REPLACE inside a foreign key's action (ON DELETE SET NULL)
    copy = (f"DELETE FROM {fts} WHERE rowid = new.rowid; "
            f"INSERT INTO {fts}(rowid, title, body) SELECT rowid, title, body FROM {view} WHERE rowid = new.rowid;")
    for statement in (
        f"DROP VIEW IF EXISTS {view}",
        f"CREATE VIEW {view} AS SELECT rowid, {title_sql} AS title, {body_sql} AS body FROM {t}",
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5(title, body, tokenize = \"{TOKENIZE}\")",
        f"DELETE FROM {fts}",
        f"INSERT INTO {fts}(rowid, title, body) SELECT rowid, title, body FROM {view}",
        f'CREATE TRIGGER IF NOT EXISTS "{table}_search_ai" AFTER INSERT ON {t} FOR EACH ROW BEGIN {copy} END',
        # not for an owner's revision raised by a child row (only the revision changes), like m004's triggers
        f'CREATE TRIGGER IF NOT EXISTS "{table}_search_au" AFTER UPDATE ON {t} FOR EACH ROW '
        f"WHEN NEW.revision IS OLD.revision OR NEW.updated_at IS NOT OLD.updated_at BEGIN {copy} END",
        f'CREATE TRIGGER IF NOT EXISTS "{table}_search_ad" AFTER DELETE ON {t} FOR EACH ROW BEGIN '
        f"DELETE FROM {fts} WHERE rowid = old.rowid; END",
    ):
        db.execute(statement)


def step(db: Database) -> None:
    db.execute(f"CREATE TABLE IF NOT EXISTS {SEQ} (n INTEGER PRIMARY KEY)")
    db.execute(f"INSERT OR IGNORE INTO {SEQ}(n) WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c "
               f"WHERE n < {SEQ_MAX}) SELECT n FROM c")
    for table, columns in (*SORTS.items(), *FILTERS.items()):
        for column in columns:
            db.execute(index(table, column))
    for table, (title, body, multi) in SEARCH.items():
        define_search(db, table, title, body, multi)


def derived_tables() -> set[str]:
    """The tables this step makes (the search tables and their FTS5 shadow tables, the numbers): derived from the
    records, never copied or compared as data of their own."""
    shadows = ("", "_data", "_idx", "_content", "_docsize", "_config")
    return {SEQ} | {f"{t}_search{s}" for t in SEARCH for s in shadows}
