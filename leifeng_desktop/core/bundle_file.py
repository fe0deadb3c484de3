"""The bundle file (.lfx, issue 17): a zip of `manifest.json` (plain, always readable) and parts — chunks of records
as JSON lines (`records/<type>/<n>.jsonl`, at most CHUNK_ROWS rows each), deletions (`deleted/<n>.jsonl`), attachment
files (`attachments/<sha256>`), `settings.json` — each encrypted on its own (core.bundle_crypto) unless the clerk
chose no passphrase. Written under a temporary name beside the target and renamed into place when complete (owner-
only, 0600): an error or a cancel leaves no file. Read back with every check first (core.bundle_checks), parts one
at a time: memory stays flat however many records a bundle holds.

    with BundleWriter(path, store=store, kind=DATA, passphrase="…") as w:
        w.add_records("team", rows)
    with BundleReader(path, passphrase="…") as r:
        for row in r.records("team"): …
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import uuid
import zipfile
from collections import Counter
from collections.abc import Iterable
from contextlib import ExitStack
from pathlib import Path
from types import TracebackType
from typing import Any

from . import bundle_crypto as bc
from . import private_files, vault
from . import schema as s
from .bundle_checks import (
    ATTACHMENT_RE,
    DATA,
    FORMAT,
    MANIFEST,
    MAX_ENTRY,
    SETTINGS,
    SETTINGS_JSON,
    SUFFIX,
    BundleCancelled,
    BundleRefused,
    Manifest,
    NeedsPassphrase,
    WrongPassphrase,
    os_reason,
)
from .bundle_read import BundleReader, read_manifest
from .errors import UserError

__all__ = ["SUFFIX", "FORMAT", "DATA", "SETTINGS", "SETTINGS_JSON", "CHUNK_ROWS", "BundleRefused",
           "NeedsPassphrase", "WrongPassphrase", "BundleCancelled", "Manifest", "read_manifest", "BundleWriter",
           "BundleReader"]

CHUNK_ROWS = 5000
CHUNK_BYTES = 16 * 1024 * 1024    # a chunk of long texts ends sooner: every part stays far below MAX_ENTRY
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))   # made once: json.dumps with options
                                                                        # would make one per row


def _json_line(obj: Any) -> bytes:
    return (_ENCODER.encode(obj) + "\n").encode("utf-8")


# -- writing ----------------------------------------------------------------------------------------------------
class BundleWriter:
    """A new bundle at `path`: `with BundleWriter(...) as w: w.add_records(…)`. The file appears only when the
    block ends normally (then `w.manifest` says what it holds); an exception (BundleCancelled too) leaves none."""

    def __init__(self, path: str | os.PathLike[str], *, store: Any, kind: str, passphrase: str | None,
                 since: str | None = None, with_attachments: bool = False):
        if kind not in (DATA, SETTINGS):
            raise ValueError(f"unknown bundle kind {kind!r}")
        self.path = Path(path)
        if passphrase is not None and not passphrase.strip():
            raise UserError(f"请为“{self.path.name}”输入口令，或选择不加密导出")
        if self.path.resolve() == Path(store.path).resolve():
            raise UserError(f"不能把数据包保存为正在使用的数据库“{self.path.name}”，请另起一个文件名")
        campaign = store.settings.campaign()
        from .. import __version__
        self._meta: dict[str, Any] = {
            "format": FORMAT, "kind": kind, "bundle_id": str(uuid.uuid4()), "app_version": __version__,
            "schema_version": store.schema_version, "year": int(campaign["year"]),
            "sender_unit": str(campaign["our_unit"] or ""), "sender_kind": str(campaign["our_unit_kind"] or ""),
            "sender_db": vault.database_id(store) or "", "created_at": _now(), "since": since,
            "with_attachments": with_attachments}
        self._params: dict[str, Any] | None = None
        self._key: bytes | None = None
        if passphrase is not None:
            self._params = bc.new_params()
            self._key = bc.derive(passphrase, self._params)
            self._params["check"] = bc.check_value(self._key)
        self.counts: dict[str, int] = {}
        self.deleted = 0
        self._attachments: set[str] = set()
        self._parts: dict[str, dict[str, Any]] = {}
        self._chunks: Counter[str] = Counter()
        self._stack = ExitStack()
        self._zip: zipfile.ZipFile | None = None
        self._temp: Path | None = None
        self.manifest: Manifest | None = None

    def __enter__(self) -> BundleWriter:
        from ..exports.files import temporary_beside
        try:
            self._temp = self._stack.enter_context(temporary_beside(self.path))
            private_files.restrict(self._temp)        # 0600 before a byte goes in
            self._zip = zipfile.ZipFile(self._temp, "w", allowZip64=True)
            self._zip.comment = bc.PLACEHOLDER
        except BaseException as exc:
            self._fail(exc)
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc is None:
            try:
                self._finish()
            except BaseException as failure:
                self._fail(failure)
                raise
            self._stack.close()      # the temporary file is the target now: nothing of ours is left to remove
            return
        self._fail(exc)

    def _fail(self, exc: BaseException) -> None:
        """Close and remove everything; an OS error comes out as the Chinese line naming the target."""
        if self._zip is not None:
            with contextlib.suppress(Exception):
                self._zip.close()
            self._zip = None
        self._stack.__exit__(type(exc), exc, exc.__traceback__)

    # -- parts ------------------------------------------------------------------------------------------------
    def add_records(self, type_key: str, rows: Iterable[dict[str, Any]]) -> int:
        """Rows of one record type (the row format of core.bundle_export.bundle_rows), in chunks; returns how many."""
        s.record_type(type_key)
        n = self._lines(f"records/{type_key}", (_json_line(row) for row in rows))
        self.counts[type_key] = self.counts.get(type_key, 0) + n
        return n

    def add_deleted(self, rows: Iterable[dict[str, Any]]) -> int:
        """Deletions: {"type_key", "record_id", "deleted_at", "unit"} each; returns how many."""
        n = self._lines("deleted", (_json_line(row) for row in rows))
        self.deleted += n
        return n

    def add_attachment(self, sha256: str, source: str | os.PathLike[str]) -> None:
        """The file of an attachment record, named by its content hash (checked: a file changed on disk is refused);
        the same content twice is stored once."""
        if not ATTACHMENT_RE.fullmatch(f"attachments/{sha256}"):
            raise ValueError(f"not a sha256: {sha256!r}")
        if sha256 in self._attachments:
            return
        source = Path(source)
        try:
            if source.stat().st_size > MAX_ENTRY - 1024:
                raise UserError(f"附件文件“{source.name}”太大，无法放入数据包")
            data = source.read_bytes()
        except FileNotFoundError:
            raise UserError(f"附件文件“{source.name}”已不存在，无法随数据包导出；请不带附件导出") from None
        except OSError as exc:
            raise UserError(f"无法读取附件文件“{source}”（{os_reason(exc)}）") from None
        if hashlib.sha256(data).hexdigest() != sha256:
            raise UserError(f"附件文件“{source.name}”的内容与记录不符（可能已被改动），无法随数据包导出")
        # stored, not deflated: photos are compressed already, and a plain white scan would exceed the reader's
        # compression-ratio limit for a zip bomb
        self._put(f"attachments/{sha256}", data, deflate=False)
        self._attachments.add(sha256)

    def add_json(self, name: str, obj: Any) -> None:
        """A JSON part; only settings.json (the settings bundle's campaign settings and choice lists)."""
        if name != SETTINGS_JSON:
            raise ValueError(f"no JSON part {name!r} in a bundle")
        self._put(name, json.dumps(obj, ensure_ascii=False).encode("utf-8"), deflate=True)

    def _lines(self, prefix: str, lines: Iterable[bytes]) -> int:
        n, rows, buffer = 0, 0, bytearray()
        for line in lines:
            if rows and (rows >= CHUNK_ROWS or len(buffer) + len(line) > CHUNK_BYTES):
                self._chunk(prefix, buffer, rows)
                rows, buffer = 0, bytearray()
            buffer += line
            rows += 1
            n += 1
        if rows:
            self._chunk(prefix, buffer, rows)
        return n

    def _chunk(self, prefix: str, data: bytearray, rows: int) -> None:
        self._chunks[prefix] += 1
        self._put(f"{prefix}/{self._chunks[prefix]}.jsonl", bytes(data), deflate=True, rows=rows)

    def _put(self, name: str, data: bytes, *, deflate: bool, rows: int | None = None) -> None:
        blob = bc.seal_part(self._key, self._meta["bundle_id"], name, data) if self._key else data
        self._write(name, blob, deflate=deflate and self._key is None)
        self._parts[name] = {"sha256": hashlib.sha256(blob).hexdigest(), "size": len(blob)}
        if rows is not None:
            self._parts[name]["rows"] = rows

    def _write(self, name: str, blob: bytes, *, deflate: bool) -> None:
        if self._zip is None:
            raise RuntimeError("BundleWriter used outside its with block")
        info = zipfile.ZipInfo(name, date_time=dt.datetime.now().timetuple()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
        info.external_attr = 0o600 << 16
        self._zip.writestr(info, blob)

    def _finish(self) -> None:
        assert self._zip is not None and self._temp is not None
        self.manifest = Manifest(**self._meta, counts=dict(self.counts), deleted=self.deleted,
                                 attachments=len(self._attachments), encrypted=self._key is not None,
                                 parts=self._parts, encryption=self._params)
        text = json.dumps(self.manifest.as_json(), ensure_ascii=False, indent=1).encode("utf-8")
        if self._key is not None:
            self._write(bc.SEAL, bc.manifest_seal(self._key, self._meta["bundle_id"], text), deflate=False)
        self._write(MANIFEST, text, deflate=True)
        self._zip.close()
        self._zip = None
        with open(self._temp, "r+b") as out:
            out.seek(0, os.SEEK_END)
            end = out.tell() - (bc.TAG_LEN - len(bc.TAG_PREFIX))
            hasher = bc.file_hasher(self._key)
            bc.hash_range(out, end, hasher)
            out.seek(end)
            out.write(bc.tag(hasher)[len(bc.TAG_PREFIX):])
            out.flush()
            os.fsync(out.fileno())
        from ..exports.files import _set_hidden
        _set_hidden(self._temp, False)
        os.replace(self._temp, self.path)


def _now() -> str:
    from .store import now_iso
    return now_iso()
