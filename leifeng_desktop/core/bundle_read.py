"""Reading a bundle file (.lfx, issue 17): every check first — the zip and its names and limits, the manifest
and its versions (core.bundle_checks), the passphrase and the seal, every part's size and hash, the row counts, the
file tag (core.bundle_crypto) — then the parts one at a time, each verified again as it is read. Import through
core.bundle_file (BundleReader, read_manifest).
"""
from __future__ import annotations

import contextlib
import errno
import hashlib
import hmac
import json
import os
import stat
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from . import bundle_crypto as bc
from . import schema as s
from .bundle_checks import (
    ATTACHMENT_RE,
    DELETED_RE,
    MANIFEST,
    MAX_ENTRIES,
    RECORDS_RE,
    SETTINGS_JSON,
    Manifest,
    NeedsPassphrase,
    WrongPassphrase,
    bad_manifest,
    changed,
    check_entries,
    declared_entries,
    file_label,
    not_a_bundle,
    not_allowed,
    parse_manifest,
    read_entry,
    unreadable,
)


def _schema_version() -> int:
    from .migrations import SCHEMA_VERSION
    return SCHEMA_VERSION


def _open_regular(path: Path) -> IO[bytes]:
    """The file opened for reading, if it is a regular file: a named pipe is opened without waiting for a writer
    (O_NONBLOCK) and, like a device (/dev/zero reads without end), refused as not a bundle."""
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise unreadable(path, exc) from None
    try:
        mode = os.fstat(fd).st_mode
    except OSError as exc:
        os.close(fd)
        raise unreadable(path, exc) from None
    if not stat.S_ISREG(mode):
        os.close(fd)
        if stat.S_ISDIR(mode):    # as open() says on every system
            raise unreadable(path, IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path)))
        raise not_a_bundle(path)
    if hasattr(os, "set_blocking"):
        os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


class _Container:
    """An open zip whose directory, names, limits and manifest passed (no passphrase needed yet)."""

    def __init__(self, path: Path):
        self.path = path
        self.fp: IO[bytes] = _open_regular(path)
        try:
            self._open()
        except BaseException:
            self.close()
            raise

    def _open(self) -> None:
        try:
            declared = declared_entries(self.fp)
            if declared is not None and declared > MAX_ENTRIES:
                raise not_allowed(self.path, f"条目超过 {MAX_ENTRIES} 个")
            self.zip = zipfile.ZipFile(self.fp)
        except (zipfile.BadZipFile, EOFError, ValueError, OSError, OverflowError, NotImplementedError):
            raise not_a_bundle(self.path) from None
        names = {i.orig_filename for i in self.zip.infolist()}
        comment = self.zip.comment
        if MANIFEST not in names and not comment.startswith(bc.TAG_PREFIX):
            raise not_a_bundle(self.path)    # another program's zip (a .docx renamed), not a damaged bundle
        if len(comment) < bc.TAG_LEN and (comment.startswith(bc.TAG_PREFIX) or bc.TAG_PREFIX.startswith(comment)):
            raise not_a_bundle(self.path)    # no tag, or cut off inside it (zipfile reads a shortened comment)
        self.infos = check_entries(self.path, self.zip)
        if MANIFEST not in self.infos:
            raise bad_manifest(self.path, "缺少清单")
        self.manifest_bytes = read_entry(self.path, self.zip, self.infos[MANIFEST])
        self.manifest = parse_manifest(self.path, self.manifest_bytes, _schema_version())

    def close(self) -> None:
        with contextlib.suppress(Exception):
            if getattr(self, "zip", None) is not None:
                self.zip.close()
        self.fp.close()


def read_manifest(path: str | os.PathLike[str]) -> Manifest:
    """What a bundle says it holds (sender, year, counts …), readable without the passphrase; the container
    checks (zip, names, sizes, the manifest's fields and versions) done, not the parts. BundleRefused."""
    container = _Container(Path(path))
    container.close()
    return container.manifest


class BundleReader:
    """A bundle opened for reading: every container check, the passphrase (NeedsPassphrase, WrongPassphrase), every
    part's size and hash, the row counts and the file tag, all in the constructor (BundleRefused); then records(),
    deleted(), copy_attachment() and json() read one part at a time (each verified again as it is read)."""

    def __init__(self, path: str | os.PathLike[str], *, passphrase: str | None = None):
        self.path = Path(path)
        self._c = _Container(self.path)
        try:
            self.manifest: Manifest = self._c.manifest
            self._key = self._unlock(passphrase)
            self._check_parts()
            self._check_tag()
        except BaseException:
            self._c.close()
            raise

    def __enter__(self) -> BundleReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._c.close()

    # -- what it holds ----------------------------------------------------------------------------------------
    def records(self, type_key: str) -> Iterator[dict[str, Any]]:
        """The rows of one record type, in the order written, a part at a time."""
        yield from self._rows(RECORDS_RE, type_key)

    def deleted(self) -> Iterator[dict[str, Any]]:
        yield from self._rows(DELETED_RE, None)

    def attachment_hashes(self) -> list[str]:
        return sorted(n.removeprefix("attachments/") for n in self.manifest.parts if ATTACHMENT_RE.fullmatch(n))

    def copy_attachment(self, sha256: str, dest: str | os.PathLike[str]) -> None:
        """Write the attachment file with this content hash to `dest` (created 0600, replaced if there), checked
        against its name first."""
        name = f"attachments/{sha256}"
        data = self._part(name)
        if hashlib.sha256(data).hexdigest() != sha256:
            raise changed(self.path, f"附件“{sha256[:12]}…”")
        fd = os.open(dest, os.O_CREAT | os.O_TRUNC | os.O_WRONLY | getattr(os, "O_BINARY", 0), 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())

    def json(self, name: str) -> Any:
        if name != SETTINGS_JSON:
            raise KeyError(name)
        try:
            return json.loads(self._part(name).decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise changed(self.path, name) from None

    # -- checks -----------------------------------------------------------------------------------------------
    def _unlock(self, passphrase: str | None) -> bytes | None:
        m = self.manifest
        if m.encryption is None:
            return None
        if not passphrase:
            raise NeedsPassphrase(f"“{file_label(self.path)}”已加密，请输入口令")
        key = bc.derive(passphrase, m.encryption)
        if not bc.key_matches(key, m.encryption):
            raise WrongPassphrase(f"“{file_label(self.path)}”的口令不正确")
        if bc.SEAL not in self._c.infos:
            raise changed(self.path, "封签")
        try:
            sealed_ok = bc.seal_matches(key, m.bundle_id, self._c.manifest_bytes,
                                        read_entry(self.path, self._c.zip, self._c.infos[bc.SEAL]))
        except bc.BadKey:
            raise changed(self.path, "封签") from None
        if not sealed_ok:
            raise changed(self.path, "清单")
        return key

    def _check_parts(self) -> None:
        m = self.manifest
        expected = {*m.parts, MANIFEST, *([bc.SEAL] if m.encrypted else [])}
        odd = sorted(set(self._c.infos) ^ expected)      # a part missing, or one the manifest does not list
        if odd:
            raise changed(self.path, f"部件“{odd[0]}”")
        rows: Counter[str] = Counter()
        attachments = 0
        for name, spec in m.parts.items():
            if name in (MANIFEST, bc.SEAL):
                raise changed(self.path, f"部件“{name}”")
            data = self._part(name)
            found = RECORDS_RE.fullmatch(name)
            if found or DELETED_RE.fullmatch(name):
                n = data.count(b"\n")
                if not data.endswith(b"\n") or spec.get("rows") != n:
                    raise changed(self.path, f"部件“{name}”")
                rows[f"records/{found[1]}" if found else "deleted"] += n
            elif ATTACHMENT_RE.fullmatch(name):
                attachments += 1
                if hashlib.sha256(data).hexdigest() != name.removeprefix("attachments/"):
                    raise changed(self.path, f"部件“{name}”")
        for type_key in sorted({*m.counts, *(k.removeprefix("records/") for k in rows if k != "deleted")}):
            if m.counts.get(type_key, 0) != rows[f"records/{type_key}"]:
                raise changed(self.path, f"{s.record_type(type_key).label}的记录数")
        if m.deleted != rows["deleted"]:
            raise changed(self.path, "删除记录数")
        if m.attachments != attachments:
            raise changed(self.path, "附件数")

    def _check_tag(self) -> None:
        """The zip comment's tag over every byte before it: a change in the zip's own headers is found too."""
        comment = self._c.zip.comment
        if len(comment) != bc.TAG_LEN or not comment.startswith(bc.TAG_PREFIX):
            raise changed(self.path, "文件")
        stream = self._c.fp     # the file checked as regular, not the path again (it may have been swapped since)
        try:
            stream.seek(0, os.SEEK_END)
            size = stream.tell()
            stream.seek(size - bc.TAG_LEN)
            if stream.read(bc.TAG_LEN) != comment:
                raise changed(self.path, "文件")
            hasher = bc.file_hasher(self._key)
            bc.hash_range(stream, size - (bc.TAG_LEN - len(bc.TAG_PREFIX)), hasher)
        except OSError as exc:
            raise unreadable(self.path, exc) from None
        if not hmac.compare_digest(bc.tag(hasher), comment):
            raise changed(self.path, "文件")

    def _part(self, name: str) -> bytes:
        """A part's bytes as written: its size and hash against the manifest, then decrypted."""
        info, spec = self._c.infos.get(name), self.manifest.parts.get(name)
        if info is None or spec is None or info.file_size != spec["size"]:
            raise changed(self.path, f"部件“{name}”")
        blob = read_entry(self.path, self._c.zip, info)
        if not hmac.compare_digest(hashlib.sha256(blob).hexdigest(), spec["sha256"]):
            raise changed(self.path, f"部件“{name}”")
        if self._key is None:
            return blob
        try:
            return bc.open_part(self._key, self.manifest.bundle_id, name, blob)
        except bc.BadKey:
            raise changed(self.path, f"部件“{name}”") from None

    def _rows(self, pattern: Any, type_key: str | None) -> Iterator[dict[str, Any]]:
        names = []
        for name in self.manifest.parts:
            found = pattern.fullmatch(name)
            if found and (type_key is None or found[1] == type_key):
                names.append((int(found[found.lastindex]), name))
        for _n, name in sorted(names):
            data = self._part(name)
            for line in data.split(b"\n")[:-1]:
                try:
                    row = json.loads(line)
                except (UnicodeDecodeError, ValueError, RecursionError):
                    raise changed(self.path, f"部件“{name}”") from None
                if not isinstance(row, dict):
                    raise changed(self.path, f"部件“{name}”")
                yield row
