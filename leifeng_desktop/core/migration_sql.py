"""The SQL of the released migration steps, frozen: never edited once released, never read from core/schema.py.

M001 and M003 are copied from sqlite_master of the files those releases made (tests/fixtures/schema_v2 and v3);
M004 and M005 name the tables and columns as they were when their steps were written. A new step gets its own
constants here (or its SQL inline in core/migrations.py) and leaves these as they are.
"""
from __future__ import annotations

# m001_records (release 5e296d1): every record table and its indexes.
M001_RECORDS = (
    """CREATE TABLE IF NOT EXISTS "unit" (
  "id" TEXT PRIMARY KEY NOT NULL,
  "unit" TEXT NOT NULL,
  "created_at" TEXT NOT NULL,
  "updated_at" TEXT NOT NULL,
  "name" TEXT,
  "kind" TEXT,
  "contact" TEXT,
  "phone" TEXT,
  "expected" INTEGER,
  "note" TEXT
)""",
    'CREATE INDEX IF NOT EXISTS "idx_unit_unit" ON "unit"(unit)',
    """CREATE TABLE IF NOT EXISTS "working_group" (
  "id" TEXT PRIMARY KEY NOT NULL,
  "unit" TEXT NOT NULL,
  "created_at" TEXT NOT NULL,
  "updated_at" TEXT NOT NULL,
  "name" TEXT,
  "leader" TEXT,
  "members" TEXT
)""",
    'CREATE INDEX IF NOT EXISTS "idx_working_group_unit" ON "working_group"(unit)',
    """CREATE TABLE IF NOT EXISTS "team" (
  "id" TEXT PRIMARY KEY NOT NULL,
  "created_at" TEXT NOT NULL,
  "updated_at" TEXT NOT NULL,
  "name" TEXT,
  "kind" TEXT,
  "unit" TEXT NOT NULL,
  "founded_on" TEXT,
  "leader" TEXT,
  "leader_title" TEXT,
  "leader_phone" TEXT,
  "contact" TEXT,
  "contact_phone" TEXT,
  "categories" TEXT,
  "service_forms" TEXT,
  "area" TEXT,
  "intro" TEXT,
  "note" TEXT
)""",
    'CREATE INDEX IF NOT EXISTS "idx_team_unit" ON "team"(unit)',
    """CREATE TABLE IF NOT EXISTS "member" (
  "id" TEXT PRIMARY KEY NOT NULL,
  "unit" TEXT NOT NULL,
  "created_at" TEXT NOT NULL,
  "updated_at" TEXT NOT NULL,
  "team_id" TEXT REFERENCES "team"(id) ON DELETE CASCADE,
  "name" TEXT,
  "gender" TEXT,
  "birth_month" TEXT,
  "politics" TEXT,
  "work" TEXT,
  "phone" TEXT,
  "skills" TEXT,
  "id_number" TEXT,
  "volunteer_no" TEXT
)""",
    'CREATE INDEX IF NOT EXISTS "idx_member_team_id" ON "member"("team_id")',
    'CREATE INDEX IF NOT EXISTS "idx_member_unit" ON "member"(unit)',
    """CREATE TABLE IF NOT EXISTS "activity" (
  "id" TEXT PRIMARY KEY NOT NULL,
  "unit" TEXT NOT NULL,
  "created_at" TEXT NOT NULL,
  "updated_at" TEXT NOT NULL,
  "title" TEXT,
  "starts_at" TEXT,
  "ends_at" TEXT,
  "place" TEXT,
  "served" TEXT,
  "category" TEXT,
  "service_form" TEXT,
  "team_id" TEXT REFERENCES "team"(id) ON DELETE SET NULL,
  "beneficiaries" INTEGER,
  "leader" TEXT,
  "recorder" TEXT,
  "evaluation" TEXT,
  "summary" TEXT
)""",
    'CREATE INDEX IF NOT EXISTS "idx_activity_team_id" ON "activity"("team_id")',
    'CREATE INDEX IF NOT EXISTS "idx_activity_unit" ON "activity"(unit)',
    """CREATE TABLE IF NOT EXISTS "participant" (
  "id" TEXT PRIMARY KEY NOT NULL,
  "unit" TEXT NOT NULL,
  "created_at" TEXT NOT NULL,
  "updated_at" TEXT NOT NULL,
  "activity_id" TEXT REFERENCES "activity"(id) ON DELETE CASCADE,
  "member_id" TEXT REFERENCES "member"(id) ON DELETE CASCADE,
  "minutes" INTEGER
)""",
    'CREATE INDEX IF NOT EXISTS "idx_participant_activity_id" ON "participant"("activity_id")',
    'CREATE INDEX IF NOT EXISTS "idx_participant_member_id" ON "participant"("member_id")',
    'CREATE INDEX IF NOT EXISTS "idx_participant_unit" ON "participant"(unit)',
    """CREATE TABLE IF NOT EXISTS "publicity" (
  "id" TEXT PRIMARY KEY NOT NULL,
  "unit" TEXT NOT NULL,
  "created_at" TEXT NOT NULL,
  "updated_at" TEXT NOT NULL,
  "kind" TEXT,
  "date" TEXT,
  "title" TEXT,
  "outlet" TEXT,
  "participants" INTEGER,
  "link" TEXT,
  "activity_id" TEXT REFERENCES "activity"(id) ON DELETE SET NULL,
  "note" TEXT
)""",
    'CREATE INDEX IF NOT EXISTS "idx_publicity_activity_id" ON "publicity"("activity_id")',
    'CREATE INDEX IF NOT EXISTS "idx_publicity_unit" ON "publicity"(unit)',
    """CREATE TABLE IF NOT EXISTS "enterprise_visit" (
  "id" TEXT PRIMARY KEY NOT NULL,
  "unit" TEXT NOT NULL,
  "created_at" TEXT NOT NULL,
  "updated_at" TEXT NOT NULL,
  "date" TEXT,
  "group_id" TEXT REFERENCES "working_group"(id) ON DELETE RESTRICT,
  "leader" TEXT,
  "visitors" TEXT,
  "enterprise" TEXT,
  "uscc" TEXT,
  "address" TEXT,
  "industry" TEXT,
  "workers" INTEGER,
  "interviewees" TEXT,
  "note" TEXT
)""",
    'CREATE INDEX IF NOT EXISTS "idx_enterprise_visit_group_id" ON "enterprise_visit"("group_id")',
    'CREATE INDEX IF NOT EXISTS "idx_enterprise_visit_unit" ON "enterprise_visit"(unit)',
    """CREATE TABLE IF NOT EXISTS "demand" (
  "id" TEXT PRIMARY KEY NOT NULL,
  "unit" TEXT NOT NULL,
  "created_at" TEXT NOT NULL,
  "updated_at" TEXT NOT NULL,
  "visit_id" TEXT REFERENCES "enterprise_visit"(id) ON DELETE CASCADE,
  "content" TEXT,
  "kind" TEXT,
  "handler" TEXT,
  "due_on" TEXT,
  "status" TEXT,
  "reply" TEXT
)""",
    'CREATE INDEX IF NOT EXISTS "idx_demand_visit_id" ON "demand"("visit_id")',
    'CREATE INDEX IF NOT EXISTS "idx_demand_unit" ON "demand"(unit)',
    """CREATE TABLE IF NOT EXISTS "household" (
  "id" TEXT PRIMARY KEY NOT NULL,
  "unit" TEXT NOT NULL,
  "created_at" TEXT NOT NULL,
  "updated_at" TEXT NOT NULL,
  "name" TEXT,
  "gender" TEXT,
  "id_number" TEXT,
  "birth_date" TEXT,
  "employer" TEXT,
  "work_status" TEXT,
  "hardship" TEXT,
  "main_cause" TEXT,
  "other_causes" TEXT,
  "family_size" INTEGER,
  "income" INTEGER,
  "health" TEXT,
  "bank_account" TEXT,
  "address" TEXT,
  "phone" TEXT,
  "filed_on" TEXT,
  "filed_by" TEXT
)""",
    'CREATE INDEX IF NOT EXISTS "idx_household_unit" ON "household"(unit)',
    """CREATE TABLE IF NOT EXISTS "family_member" (
  "id" TEXT PRIMARY KEY NOT NULL,
  "unit" TEXT NOT NULL,
  "created_at" TEXT NOT NULL,
  "updated_at" TEXT NOT NULL,
  "household_id" TEXT REFERENCES "household"(id) ON DELETE CASCADE,
  "name" TEXT,
  "relation" TEXT,
  "birth_month" TEXT,
  "health" TEXT,
  "income" INTEGER,
  "school" TEXT
)""",
    'CREATE INDEX IF NOT EXISTS "idx_family_member_household_id" ON "family_member"("household_id")',
    'CREATE INDEX IF NOT EXISTS "idx_family_member_unit" ON "family_member"(unit)',
    """CREATE TABLE IF NOT EXISTS "household_visit" (
  "id" TEXT PRIMARY KEY NOT NULL,
  "unit" TEXT NOT NULL,
  "created_at" TEXT NOT NULL,
  "updated_at" TEXT NOT NULL,
  "date" TEXT,
  "group_id" TEXT REFERENCES "working_group"(id) ON DELETE RESTRICT,
  "visitors" TEXT,
  "household_id" TEXT REFERENCES "household"(id) ON DELETE CASCADE,
  "findings" TEXT,
  "needs" TEXT
)""",
    'CREATE INDEX IF NOT EXISTS "idx_household_visit_group_id" ON "household_visit"("group_id")',
    'CREATE INDEX IF NOT EXISTS "idx_household_visit_household_id" ON "household_visit"("household_id")',
    'CREATE INDEX IF NOT EXISTS "idx_household_visit_unit" ON "household_visit"(unit)',
    """CREATE TABLE IF NOT EXISTS "aid" (
  "id" TEXT PRIMARY KEY NOT NULL,
  "unit" TEXT NOT NULL,
  "created_at" TEXT NOT NULL,
  "updated_at" TEXT NOT NULL,
  "date" TEXT,
  "household_id" TEXT REFERENCES "household"(id) ON DELETE CASCADE,
  "programme" TEXT,
  "amount" INTEGER,
  "goods" TEXT,
  "handler" TEXT,
  "note" TEXT
)""",
    'CREATE INDEX IF NOT EXISTS "idx_aid_household_id" ON "aid"("household_id")',
    'CREATE INDEX IF NOT EXISTS "idx_aid_unit" ON "aid"(unit)',
    """CREATE TABLE IF NOT EXISTS "honor" (
  "id" TEXT PRIMARY KEY NOT NULL,
  "unit" TEXT NOT NULL,
  "created_at" TEXT NOT NULL,
  "updated_at" TEXT NOT NULL,
  "category" TEXT,
  "subject_kind" TEXT,
  "name" TEXT,
  "employer" TEXT,
  "deeds" TEXT,
  "recommended_on" TEXT,
  "status" TEXT,
  "doc_no" TEXT
)""",
    'CREATE INDEX IF NOT EXISTS "idx_honor_unit" ON "honor"(unit)',
    """CREATE TABLE IF NOT EXISTS "submission" (
  "id" TEXT PRIMARY KEY NOT NULL,
  "created_at" TEXT NOT NULL,
  "updated_at" TEXT NOT NULL,
  "unit" TEXT NOT NULL,
  "material" TEXT,
  "date" TEXT,
  "methods" TEXT,
  "note" TEXT
)""",
    'CREATE INDEX IF NOT EXISTS "idx_submission_unit" ON "submission"(unit)',
)

# m002_settings: the campaign settings and choice lists, one JSON value per key.
M002_SETTINGS = ("CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)",)

# m003_attachments (release 2f5ec75): an activity's photos and documents.
M003_ATTACHMENTS = (
    """CREATE TABLE IF NOT EXISTS "attachment" (
  "id" TEXT PRIMARY KEY NOT NULL,
  "unit" TEXT NOT NULL,
  "created_at" TEXT NOT NULL,
  "updated_at" TEXT NOT NULL,
  "activity_id" TEXT REFERENCES "activity"(id) ON DELETE CASCADE,
  "name" TEXT,
  "sha256" TEXT,
  "size" INTEGER,
  "kind" TEXT,
  "note" TEXT
)""",
    'CREATE INDEX IF NOT EXISTS "idx_attachment_activity_id" ON "attachment"("activity_id")',
    'CREATE INDEX IF NOT EXISTS "idx_attachment_unit" ON "attachment"(unit)',
)

# m004_revisions: a revision on every record table, raised on update (and the owner's when a child row changes).
M004_TABLES = ("unit", "working_group", "team", "member", "activity", "participant", "attachment", "publicity",
               "enterprise_visit", "demand", "household", "family_member", "household_visit", "aid", "honor",
               "submission")
M004_REVISION_COLUMN = "revision INTEGER NOT NULL DEFAULT 1"
M004_OWNERS = {   # child table: (its column naming the owner, the owner's table)
    "member": ("team_id", "team"),
    "participant": ("activity_id", "activity"),
    "demand": ("visit_id", "enterprise_visit"),
    "family_member": ("household_id", "household"),
}


def m004_triggers() -> list[str]:
    """The revision triggers, in the text step 4 has always written."""
    out = []
    for t in M004_TABLES:
        column, owner = M004_OWNERS.get(t, (None, None))
        raise_owner = f'UPDATE "{owner}" SET revision = revision + 1 WHERE id IN ' if owner else ""
        # WHEN: the trigger's own UPDATE (revision changed) must not count twice
        out.append(f'CREATE TRIGGER IF NOT EXISTS "{t}_revision_au" AFTER UPDATE ON "{t}" FOR EACH ROW '
                   f'WHEN NEW.revision IS OLD.revision BEGIN '
                   f'UPDATE "{t}" SET revision = OLD.revision + 1 WHERE id = NEW.id; '
                   + (f'{raise_owner}(OLD."{column}", NEW."{column}"); ' if owner else "") + "END")
        if owner:
            out.append(f'CREATE TRIGGER IF NOT EXISTS "{t}_revision_ai" AFTER INSERT ON "{t}" FOR EACH ROW BEGIN '
                       f'{raise_owner}(NEW."{column}"); END')
            out.append(f'CREATE TRIGGER IF NOT EXISTS "{t}_revision_ad" AFTER DELETE ON "{t}" FOR EACH ROW BEGIN '
                       f'{raise_owner}(OLD."{column}"); END')
    return out


# m005_padded_dates: the date, month and date-time columns (and campaign settings) older releases stored as typed.
M005_DATES = {
    "team": {"founded_on": "date"},
    "member": {"birth_month": "month"},
    "activity": {"starts_at": "datetime", "ends_at": "datetime"},
    "publicity": {"date": "date"},
    "enterprise_visit": {"date": "date"},
    "demand": {"due_on": "date"},
    "household": {"birth_date": "date", "filed_on": "date"},
    "family_member": {"birth_month": "month"},
    "household_visit": {"date": "date"},
    "aid": {"date": "date"},
    "honor": {"recommended_on": "date"},
    "submission": {"date": "date"},
}
M005_SETTINGS_DATES = ("registration_deadline", "plan_deadline", "summary_deadline")
