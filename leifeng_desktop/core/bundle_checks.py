"""What a bundle file (.lfx) must be before anything in it is trusted (issue 17): the refusals, each one Chinese
sentence naming the file; the manifest and its fields; the part names allowed; the zip-bomb limits, checked on the
zip's directory before a byte is unpacked and again while reading (bounded chunks, never more than declared).

Qt-free and store-free; core.bundle_file reads and writes the container with these.
"""
from __future__ import annotations

import datetime as dt
import errno
import json
import re
import struct
import unicodedata
import uuid
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from . import bundle_crypto as bc
from . import schema as s
from .errors import UserError

SUFFIX = ".lfx"
FORMAT = 1
DATA, SETTINGS = "data", "settings"
MANIFEST = "manifest.json"
SETTINGS_JSON = "settings.json"

MAX_ENTRIES = 200_000
MAX_ENTRY = 64 * 1024 * 1024
MAX_TOTAL = 4 * 1024**3
MAX_RATIO = 200
MAX_MANIFEST = 16 * 1024 * 1024
READ_CHUNK = 1024 * 1024

RECORDS_RE = re.compile(r"records/([a-z_]+)/([1-9][0-9]{0,5})\.jsonl")
DELETED_RE = re.compile(r"deleted/([1-9][0-9]{0,5})\.jsonl")
ATTACHMENT_RE = re.compile(r"attachments/([0-9a-f]{64})")
_EOCD, _EOCD64_LOCATOR, _EOCD64 = b"PK\x05\x06", b"PK\x06\x07", b"PK\x06\x06"


class BundleRefused(UserError):
    """A bundle that cannot be used as it is; str(exc) is the one sentence, naming the file."""


class NeedsPassphrase(BundleRefused):
    """An encrypted bundle opened without a passphrase: ask for it and try again."""


class WrongPassphrase(BundleRefused):
    """The passphrase does not open the bundle."""


class BundleCancelled(Exception):
    """The clerk cancelled; an export leaves no file (see core.bundle_export)."""

    def __init__(self, message: str = "已取消，没有生成数据包文件"):
        super().__init__(message)


# -- the sentences ------------------------------------------------------------------------------------------------
def not_a_bundle(path: Path) -> BundleRefused:
    return BundleRefused(f"“{file_label(path)}”不是完整的数据包文件（可能已损坏或未传输完整）")


def not_allowed(path: Path, what: str) -> BundleRefused:
    return BundleRefused(f"“{file_label(path)}”含有不允许的内容（{what}），已拒绝")


def bad_manifest(path: Path, what: str) -> BundleRefused:
    return BundleRefused(f"“{file_label(path)}”的清单无法读取（{what}），已拒绝")


def changed(path: Path, part: str) -> BundleRefused:
    return BundleRefused(f"“{file_label(path)}”已被改动或损坏（{part}校验不符），已拒绝")


def unreadable(path: Path, exc: OSError) -> BundleRefused:
    if exc.errno == errno.ENOENT:
        return BundleRefused(f"“{file_label(path)}”不存在")
    return BundleRefused(f"无法读取“{file_label(path)}”（{os_reason(exc)}）")


def os_reason(exc: OSError) -> str:
    """An OS failure to read as Chinese words, never the system's English strerror."""
    if exc.errno == errno.ENOENT:
        return "文件不存在"
    if exc.errno == errno.EISDIR:
        return "这是一个文件夹"
    if exc.errno in (errno.EACCES, errno.EPERM) or getattr(exc, "winerror", None) in (5, 32, 33):
        return "没有权限读取，或文件正被其他程序打开"
    return f"系统错误代码 {exc.errno if exc.errno is not None else '未知'}"


# -- text and times a bundle brings ----------------------------------------------------------------------------------
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def printable(text: object, limit: int = 40, gap: str = " ") -> str:
    """Text a bundle brought (a record's title, a file name, the manifest's sender) as it may stand in a sentence,
    a record or a line: a control or other invisible character (a terminal's ESC, a line break) becomes `gap`, a
    wide space a space; clipped to `limit` characters."""
    out = "".join(c if c.isprintable() else " " if unicodedata.category(c) == "Zs" else gap for c in str(text))
    return out if len(out) <= limit else out[:limit - 1] + "…"


def is_uuid(text: object) -> bool:
    """A record's id as this program makes them: a UUID in its canonical form."""
    try:
        return isinstance(text, str) and str(uuid.UUID(text)) == text
    except ValueError:
        return False


def is_time(text: object) -> bool:
    """An ISO date-time (a created_at, updated_at or deleted_at): a date with a time, readable by fromisoformat."""
    if not isinstance(text, str) or len(text) > 40 or not _TIME.match(text):
        return False
    try:
        dt.datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def file_label(path: Path) -> str:
    """A bundle's file name as it stands in a sentence, a record or a line: without control characters (a name
    from an e-mail may carry a terminal's ESC or a line break), clipped."""
    return printable(path.name, 120, gap="")


def check_kind(manifest: Manifest, kind: str, path: Path) -> None:
    """A settings bundle given where a data bundle is wanted, or the other way round: one sentence naming the file
    and what imports it (the window asks this before a passphrase, the merge and the settings import again)."""
    if manifest.kind == kind:
        return
    if kind == DATA:
        raise BundleRefused(f"“{file_label(path)}”是活动设置数据包，不是数据包；"
                            "请用“导入活动设置”（bundle settings import）导入")
    raise BundleRefused(f"“{file_label(path)}”是数据包，不是设置数据包；请用“导入数据包”（bundle import）导入")


def plain_text(text: str, limit: int) -> bool:
    """A name from the manifest (the sender's unit and kind …): at most `limit` characters, every one printable (a
    wide space too)."""
    return len(text) <= limit and all(
        c.isprintable() or unicodedata.category(c) == "Zs" for c in text)


def is_date(text: object) -> bool:
    try:
        return isinstance(text, str) and len(text) == 10 and dt.date.fromisoformat(text).isoformat() == text
    except ValueError:
        return False


# -- the manifest -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Manifest:
    format: int
    kind: str
    bundle_id: str
    app_version: str
    schema_version: int
    year: int
    sender_unit: str
    sender_kind: str
    sender_db: str
    created_at: str
    since: str | None
    counts: dict[str, int]
    deleted: int
    attachments: int
    with_attachments: bool
    encrypted: bool
    parts: dict[str, dict[str, Any]]
    encryption: dict[str, Any] | None = None   # {"scheme", "salt", "n", "r", "p", "check"} or None

    @property
    def total_records(self) -> int:
        return sum(self.counts.values())

    def as_json(self) -> dict[str, Any]:
        return {"format": self.format, "kind": self.kind, "bundle_id": self.bundle_id,
                "app_version": self.app_version, "schema_version": self.schema_version, "year": self.year,
                "sender_unit": self.sender_unit, "sender_kind": self.sender_kind, "sender_db": self.sender_db,
                "created_at": self.created_at, "since": self.since, "counts": self.counts, "deleted": self.deleted,
                "attachments": self.attachments, "with_attachments": self.with_attachments,
                "encryption": self.encryption, "parts": self.parts}


_FIELDS: dict[str, tuple[type, ...]] = {
    "kind": (str,), "bundle_id": (str,), "app_version": (str,), "schema_version": (int,), "year": (int,),
    "sender_unit": (str,), "sender_kind": (str,), "sender_db": (str,), "created_at": (str,),
    "since": (str, type(None)), "counts": (dict,), "deleted": (int,), "attachments": (int,),
    "with_attachments": (bool,), "encryption": (dict, type(None)), "parts": (dict,)}


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def parse_manifest(path: Path, data: bytes, schema_version: int) -> Manifest:
    """The manifest's bytes as a Manifest: unreadable or wrong fields, a newer format or schema are refused."""
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise bad_manifest(path, "不是有效的 JSON") from None
    if not isinstance(raw, dict):
        raise bad_manifest(path, "不是有效的清单")
    fmt = raw.get("format")
    if not isinstance(fmt, int) or isinstance(fmt, bool) or fmt < 1:
        raise bad_manifest(path, "缺少格式版本")
    if fmt > FORMAT:
        raise BundleRefused(f"“{file_label(path)}”由更新版本的程序生成（格式版本 {fmt}），请先升级程序")
    for key, types in _FIELDS.items():
        if key not in raw or not isinstance(raw[key], types) or (int in types and isinstance(raw[key], bool)):
            raise bad_manifest(path, f"字段 {key} 缺失或无效")
    if raw["schema_version"] > schema_version:
        raise BundleRefused(f"“{file_label(path)}”由更新版本的程序生成（数据结构版本 {raw['schema_version']}），"
                            "请先升级程序")
    problem = _field_problem(raw)
    if problem:
        raise bad_manifest(path, problem)
    return Manifest(format=fmt, kind=raw["kind"], bundle_id=raw["bundle_id"], app_version=raw["app_version"],
                    schema_version=raw["schema_version"], year=raw["year"], sender_unit=raw["sender_unit"],
                    sender_kind=raw["sender_kind"], sender_db=raw["sender_db"], created_at=raw["created_at"],
                    since=raw["since"], counts=dict(raw["counts"]), deleted=raw["deleted"],
                    attachments=raw["attachments"], with_attachments=raw["with_attachments"],
                    encrypted=raw["encryption"] is not None, parts=dict(raw["parts"]), encryption=raw["encryption"])


def _field_problem(raw: dict[str, Any]) -> str | None:
    if raw["kind"] not in (DATA, SETTINGS):
        return "数据包类型未知"
    if not plain_text(raw["sender_unit"], 60):
        return "报送单位名称无效"
    if not plain_text(raw["sender_kind"], 20):
        return "报送单位类型无效"
    if not is_time(raw["created_at"]):
        return "生成时间无效"
    if raw["since"] is not None and not is_date(raw["since"]):
        return "起始日期无效"
    if not plain_text(raw["sender_db"], 64) or not plain_text(raw["app_version"], 40):
        return "发送程序的说明无效"
    if not re.fullmatch(r"[0-9a-f-]{36}", raw["bundle_id"]):
        return "数据包编号无效"
    if any(k not in s.RECORD_TYPES or not _count(n) for k, n in raw["counts"].items()):
        return "记录数无效"
    if not (_count(raw["deleted"]) and _count(raw["attachments"])):
        return "记录数无效"
    if raw["encryption"] is not None:
        problem = bc.params_problem(raw["encryption"])
        if problem:
            return problem
    for name, info in raw["parts"].items():
        if not (isinstance(info, dict) and isinstance(info.get("sha256"), str) and _count(info.get("size"))
                and re.fullmatch(r"[0-9a-f]{64}", info["sha256"])
                and (info.get("rows") is None or _count(info.get("rows")))):
            return f"部件“{printable(name, 60)}”的说明无效"
    return None


# -- the zip --------------------------------------------------------------------------------------------------------
def part_allowed(name: str) -> bool:
    """Only these names, exactly: manifest.json, seal, settings.json, records/<type>/<n>.jsonl, deleted/<n>.jsonl,
    attachments/<sha256> (no folders, no `..`, no absolute or backslash paths)."""
    if name in (MANIFEST, bc.SEAL, SETTINGS_JSON) or DELETED_RE.fullmatch(name) or ATTACHMENT_RE.fullmatch(name):
        return True
    found = RECORDS_RE.fullmatch(name)
    return bool(found and found[1] in s.RECORD_TYPES)


def declared_entries(fp: IO[bytes]) -> int | None:
    """The entry count the end-of-directory record declares (zip64 too), read before zipfile builds one object per
    entry; None when there is none (zipfile then says it is no zip)."""
    fp.seek(0, 2)
    size = fp.tell()
    back = min(size, 22 + 65535)
    fp.seek(size - back)
    tail = fp.read(back)
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < 22:
        return None
    total: int = struct.unpack("<H", tail[at + 10:at + 12])[0]
    if total != 0xFFFF:
        return total
    locator = tail[at - 20:at] if at >= 20 else b""
    if locator[:4] != _EOCD64_LOCATOR:
        return None
    fp.seek(struct.unpack("<Q", locator[8:16])[0])
    record = fp.read(56)
    if record[:4] != _EOCD64:
        return None
    big: int = struct.unpack("<Q", record[32:40])[0]
    return big


def check_entries(path: Path, zf: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """Every entry's name allowed and met once, its declared size, ratio and the total within the limits, stored or
    deflated only, no zip encryption: {name: ZipInfo}. BundleRefused naming what is wrong."""
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise not_allowed(path, f"条目超过 {MAX_ENTRIES} 个")
    out: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        name = info.orig_filename
        if name != info.filename or not part_allowed(name):
            raise not_allowed(path, f"路径“{name[:80]}”")
        if name in out:
            raise not_allowed(path, f"重复的条目“{name}”")
        if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise not_allowed(path, f"“{name}”的压缩方式不支持")
        limit = MAX_MANIFEST if name == MANIFEST else MAX_ENTRY
        if info.file_size > limit:
            raise not_allowed(path, f"“{name}”解压后超过 {limit // 1024 // 1024} MB")
        if info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise not_allowed(path, f"“{name}”的压缩比异常")
        total += info.file_size
        out[name] = info
    if total > MAX_TOTAL:
        raise not_allowed(path, "解压后总大小超过 4 GB")
    return out


def read_entry(path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """An entry's bytes, read in bounded chunks: never more than it declares (zipfile stops inflating there, so a
    lying size cannot fill memory); fewer, a failed CRC or damaged data is a change."""
    out = bytearray()
    try:
        with zf.open(info) as stream:
            while len(out) <= info.file_size:
                chunk = stream.read(min(READ_CHUNK, info.file_size + 1 - len(out)))
                if not chunk:
                    break
                out += chunk
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError, RuntimeError, NotImplementedError):
        raise changed(path, f"部件“{info.orig_filename}”") from None
    if len(out) != info.file_size:
        raise not_allowed(path, f"“{info.orig_filename}”的实际大小与声明不符")
    return bytes(out)
