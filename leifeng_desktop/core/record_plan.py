"""What the write and read paths ask of a record type at every row, worked out once per type (issue 18).

schema.RecordType's properties (keys, sensitive_keys, lookup_fields, columns) are rebuilt at every call and
field() scans the fields; Store.prepare, sealing and decoding ask them for every row of a bulk write or a list page.
plan(rt) gives the same answers from a Plan made the first time a type is asked about. Record types are frozen and
few (the schema's, the settings' CAMPAIGN, a test's own): a plan is kept for each, by identity.
"""
from __future__ import annotations

from dataclasses import dataclass

from . import schema as s

HMAC, TAIL = s.SHADOW_SUFFIXES
PLAIN = (s.TEXT, s.REF, s.UNIT)   # types whose value validation only trims, and checks for characters and length


@dataclass(frozen=True)
class Plan:
    type_key: str
    fields: tuple[s.Field, ...]
    by_key: dict[str, s.Field]           # rt.field(key) without the scan (meta fields too)
    keys: frozenset[str]                 # rt.keys
    multi: tuple[str, ...]               # MULTI fields: lists in Python, JSON text in SQLite
    choice_fields: tuple[s.Field, ...]   # fields drawing on a choice list (CHOICE and MULTI)
    sensitive: frozenset[str]            # rt.sensitive_keys
    sensitive_fields: tuple[s.Field, ...]
    lookups: frozenset[str]              # keys of rt.lookup_fields (shadow columns beside them)
    column_names: tuple[str, ...]        # rt.columns' keys: every column of the table, in order
    plain_text: dict[str, int]           # one-line text without a content check (TEXT, REF, UNIT): its max_len

    @classmethod
    def of(cls, rt: s.RecordType) -> Plan:
        by_key = {f.key: f for f in reversed(s.META_FIELDS)}
        by_key.update((f.key, f) for f in reversed(rt.fields))   # the first field of a key wins, as in rt.field
        return cls(
            type_key=rt.key, fields=rt.fields, by_key=by_key, keys=frozenset(rt.keys),
            multi=tuple(f.key for f in rt.fields if f.type == s.MULTI),
            choice_fields=tuple(f for f in rt.fields if f.choices),
            sensitive=rt.sensitive_keys, sensitive_fields=tuple(f for f in rt.fields if f.sensitive),
            lookups=frozenset(f.key for f in rt.lookup_fields),
            column_names=tuple(f.key for f in rt.columns),
            plain_text={f.key: f.max_len for f in rt.fields if f.type in PLAIN and not f.check})

    def field(self, key: str) -> s.Field:
        try:
            return self.by_key[key]
        except KeyError:
            raise KeyError(f"{self.type_key} has no field {key!r}") from None


_PLANS: dict[int, tuple[s.RecordType, Plan]] = {}


def plan(rt: s.RecordType) -> Plan:
    """The plan of `rt` (made on first use; the type is kept with it, so its id is never reused)."""
    entry = _PLANS.get(id(rt))
    if entry is None or entry[0] is not rt:
        entry = _PLANS[id(rt)] = (rt, Plan.of(rt))
    return entry[1]
