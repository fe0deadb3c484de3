"""Sensitive fields as stored (issue 19): every field core/schema.py marks sensitive is `enc1:…` ciphertext bound to
its table.column, numbers (income) as their decimal text; beside each lookup field (schema's lookup_fields) the
keyed hashes `<key>__hmac` (the normalised value: duplicates) and `<key>__tail` (its last 4 digits: search).

Reading: open_row decrypts with the store's key, or, for callers that hold only a row (core.store.decode), with
any key unlocked in this process; a value no key opens reads as crypto.LOCKED (已加密). Writing: seal_row.
"""
from __future__ import annotations

import functools
import json
import weakref
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from . import crypto
from . import schema as s
from .record_plan import plan
from .vault import Keys, Locked

if TYPE_CHECKING:
    from .store import Store

HMAC, TAIL = "__hmac", "__tail"
# the key of each unlocked store open in this process (few: the window's file, the example data), by store: a store
# closed (or dropped) takes its key out, whatever other stores of the same file still hold theirs
_unlocked: weakref.WeakKeyDictionary[Store, Keys] = weakref.WeakKeyDictionary()
# each unlocked key's AES-GCM object, made once (one per value cost a third of sealing); it goes with its Keys
_ciphers: weakref.WeakKeyDictionary[Keys, AESGCM] = weakref.WeakKeyDictionary()


def _cipher(keys: Keys) -> AESGCM:
    found = _ciphers.get(keys)
    if found is None:
        found = _ciphers[keys] = crypto.cipher(keys.data_key)
    return found


def register(store: Store, keys: Keys) -> None:
    _unlocked[store] = keys
    _hook_search()


def unregister(store: Store) -> None:
    _unlocked.pop(store, None)


def any_unlocked() -> list[Keys]:
    """The keys of the stores unlocked in this process, one per data key."""
    return list({k.data_key: k for k in list(_unlocked.values())}.values())


def place(rt: s.RecordType, key: str) -> str:
    return f"{rt.key}.{key}"


def _plain(f: s.Field, text: str) -> Any:
    return int(text) if f.type in s.NUMBER_TYPES else text


def open_value(rt: s.RecordType, f: s.Field, value: Any, keys: Iterable[Keys]) -> Any:
    """The plain value of one stored value (a plain one, from before the upgrade or a read-only old file, as is)."""
    if not crypto.is_encrypted(value):
        return value
    for k in keys:
        try:
            return _plain(f, crypto.decrypt(_cipher(k), value, place(rt, f.key)))
        except crypto.DecryptError:
            continue
    return crypto.LOCKED


def open_row(rt: s.RecordType, row: Mapping[str, Any], keys: Iterable[Keys] | None = None) -> dict[str, Any]:
    """The row with its sensitive values decrypted (the shadow columns dropped): with `keys`, or any unlocked.
    Only the type's sensitive columns are looked at; a key ring is only made for a row holding ciphertext."""
    out = dict(row)
    for name in _shadows(tuple(out)):
        del out[name]
    ring: list[Keys] | None = None
    for f in plan(rt).sensitive_fields:
        value = out.get(f.key)
        if crypto.is_encrypted(value):
            if ring is None:
                ring = list(keys) if keys is not None else any_unlocked()
            out[f.key] = open_value(rt, f, value, ring)
    return out


@functools.lru_cache(maxsize=256)
def _shadows(columns: tuple[str, ...]) -> tuple[str, ...]:
    """The shadow columns among a row's columns (rows of one query share their columns: worked out once)."""
    return tuple(c for c in columns if c.endswith((HMAC, TAIL)))


def lookup_hash(keys: Keys, rt: s.RecordType, key: str, value: Any) -> str | None:
    normal = crypto.normal_lookup(value) if value not in (None, "") else ""
    return crypto.lookup_hash(keys.lookup, place(rt, key), normal) if normal else None


def tail_hash(keys: Keys, rt: s.RecordType, key: str, digits: str) -> str | None:
    """The keyed hash a `<key>__tail` column holds for these last digits (search: WHERE id_number__tail = ?)."""
    return crypto.lookup_hash(keys.lookup, place(rt, key) + "/tail", digits) if digits else None


def seal_row(keys: Keys, rt: s.RecordType, row: Mapping[str, Any]) -> dict[str, Any]:
    """A row to write (plain values as Store.prepare gives them) with its sensitive values encrypted and the shadow
    columns of the lookup fields it holds filled."""
    out = dict(row)
    p = plan(rt)
    for f in p.sensitive_fields:
        if f.key not in row:
            continue
        value = row[f.key]
        if value in (None, "") or crypto.is_encrypted(value):
            continue
        out[f.key] = crypto.encrypt(_cipher(keys), str(value), place(rt, f.key))
        if f.key in p.lookups:
            out[f.key + HMAC] = lookup_hash(keys, rt, f.key, value)
            out[f.key + TAIL] = tail_hash(keys, rt, f.key, crypto.last_digits(value))
    for key in p.lookups & row.keys():
        if row[key] in (None, ""):
            out[key + HMAC] = out[key + TAIL] = None
    return out


def writable(store: Store, rt: s.RecordType, values: Mapping[str, Any], *, update: bool) -> dict[str, Any]:
    """The values a write may take. A sensitive value shown as 已加密 (crypto.LOCKED) means "unchanged" and is
    dropped; while the file is locked an update leaves sensitive values as stored (an emptied field too) and any
    new sensitive value is refused: it cannot be encrypted without the key."""
    sensitive = plan(rt).sensitive
    if not sensitive:   # nothing to drop or refuse (participants: 400,000 rows at city)
        return dict(values)
    out = {k: v for k, v in values.items() if not (k in sensitive and crypto.is_locked(v))}
    if not store.locked:
        return out
    given = [k for k in sensitive if k in out and out[k] not in (None, "", [])]
    if given:
        labels = "、".join(rt.field(k).label for k in sorted(given))
        raise Locked(f"“{store.path.name}”的加密数据尚未解锁，不能保存{labels}；请先输入密码解锁")
    if update:
        out = {k: v for k, v in out.items() if k not in sensitive}
    return out


# -- the upgrade: a plain file encrypted in place ---------------------------------------------------------------
def seal_all(store: Store, keys: Keys) -> int:
    """Inside the caller's transaction: every plain sensitive value of every table and of every 回收站 entry
    encrypted, shadow columns filled. Returns the number of values encrypted."""
    done = 0
    for rt in s.RECORD_TYPES.values():
        have = store.db[rt.key].columns_dict   # a later step may have reshaped the table
        names = sorted(k for k in rt.sensitive_keys if k in have)
        if not names:
            continue
        cond = " OR ".join(f'("{k}" IS NOT NULL AND "{k}" != \'\' AND "{k}" NOT LIKE \'{crypto.PREFIX}%\')'
                           for k in names)
        for row in list(store.db.query(f'SELECT rowid AS _rowid, {", ".join(map(_q, names))} '
                                                    f'FROM "{rt.key}" WHERE {cond}')):
            rowid = row.pop("_rowid")
            sealed = seal_row(keys, rt, {k: v for k, v in row.items() if not crypto.is_encrypted(v)})
            sealed = {k: v for k, v in sealed.items() if k in have}
            done += sum(1 for k in row if k in sealed and crypto.is_encrypted(sealed[k]))
            store.db.execute(f'UPDATE "{rt.key}" SET ' + ", ".join(f"{_q(k)} = ?" for k in sealed)
                             + " WHERE rowid = ?", [*sealed.values(), rowid])
    return done + _seal_trash(store, keys)


def _seal_trash(store: Store, keys: Keys) -> int:
    if not store.db["trash"].exists():
        return 0
    done = 0
    for entry_id, text in store.db.execute("SELECT id, payload FROM trash").fetchall():
        payload = json.loads(text)
        changed = False
        for item in payload.get("rows", []):
            rt = s.RECORD_TYPES.get(item.get("type"))
            if rt is None or not rt.sensitive_keys:
                continue
            plain = {k: v for k, v in item["row"].items() if k in rt.sensitive_keys and not crypto.is_encrypted(v)}
            if any(v not in (None, "") for v in plain.values()):
                item["row"].update(seal_row(keys, rt, plain))
                done += sum(1 for v in plain.values() if v not in (None, ""))
                changed = True
        if changed:
            store.db.execute("UPDATE trash SET payload = ? WHERE id = ?",
                             [json.dumps(payload, ensure_ascii=False), entry_id])
    return done


def unreadable(store: Store, keys: Keys) -> list[str]:
    """table.column of every stored value that is plain or does not decrypt with `keys` ([] for a sound file)."""
    out = []
    for rt in s.RECORD_TYPES.values():
        have = store.db[rt.key].columns_dict
        for key in sorted(k for k in rt.sensitive_keys if k in have):
            f = rt.field(key)
            for (value,) in store.db.execute(f'SELECT {_q(key)} FROM "{rt.key}" WHERE {_q(key)} IS NOT NULL '
                                             f"AND {_q(key)} != ''"):
                if open_value(rt, f, value, [keys]) is crypto.LOCKED or not crypto.is_encrypted(value):
                    out.append(place(rt, key))
                    break
    return out


def _q(name: str) -> str:
    return f'"{name}"'


def tail_search(store: Store, rt: s.RecordType, text: str, *, table: str | None = None) -> tuple[str, list[str]] | None:
    """Search by last digits (core.listing): for a text of 4 digits, the SQL condition matching a record whose
    身份证号, phone or bank card ends in them (the `__tail` keyed hashes), with its parameters; None otherwise
    (another text, no lookup field, or a locked file)."""
    digits = text.strip()
    if store.keys is None or len(digits) != 4 or not digits.isdigit() or not rt.lookup_fields:
        return None
    prefix = f"{table or rt.key}."
    parts = [f'{prefix}"{f.key}{TAIL}" = ?' for f in rt.lookup_fields]
    return "(" + " OR ".join(parts) + ")", [tail_hash(store.keys, rt, f.key, digits) or "" for f in rt.lookup_fields]


def tail_hook(rt: s.RecordType, word: str) -> tuple[str, list[str]] | None:
    """core.listing's search hook: a word of 4 digits finds the records whose 身份证号, phone or bank card ends in
    them, through the `__tail` keyed hashes under the key of each unlocked store (lists hold no store)."""
    digits = word.strip()
    ring = any_unlocked()
    if len(digits) != 4 or not digits.isdigit() or not rt.lookup_fields or not ring:
        return None
    marks = ", ".join("?" * len(ring))
    tails = " OR ".join(f'"{f.key}{TAIL}" IN ({marks})' for f in rt.lookup_fields)
    sql = f'SELECT rowid FROM "{rt.key}" WHERE {tails}'
    return sql, [tail_hash(k, rt, f.key, digits) or "" for f in rt.lookup_fields for k in ring]


def _hook_search() -> None:
    """Hooked into the lists' search when a first key is unlocked (listing imports the store: not at import time)."""
    from .listing import SEARCH_HOOKS
    if tail_hook not in SEARCH_HOOKS:
        SEARCH_HOOKS.append(tail_hook)
