"""Importing records from an Excel workbook (.xlsx), driven by the schema: a spec names the importable fields and
the extra header texts that mean them; labels, types, checks and messages all come from core.schema/validation.

read_workbook() only reads and checks (a preview a clerk can look at); import_rows() writes the valid rows in one
transaction; core.xlsx_template makes the empty workbook to fill. Qt-free: the CLI and the GUI share it.
"""
from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from . import oplog
from . import schema as s
from .teams import Duplicate, roster_duplicates
from .validation import ValidationError, normalize, validate
from .xlsx_values import Uncomputed, cell_text, convert, fold_header  # noqa: F401  (part of this module's API)

if TYPE_CHECKING:
    from .store import Store

HEADER_SCAN_ROWS = 10
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
# Common columns that carry nothing to import; silently left out rather than reported as unknown.
IGNORED_HEADERS = frozenset({"序号", "序", "no", "no."})
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


class XlsxImportError(ValueError):
    """A workbook that cannot be read at all; the message is one Chinese line for the clerk."""


@dataclass(frozen=True)
class ImportSpec:
    record_type: str
    fields: tuple[str, ...]                           # importable field keys, in template column order
    aliases: Mapping[str, tuple[str, ...]] = dc_field(default_factory=dict)   # besides the schema label
    key_field: str = "name"                           # its header marks the header row
    duplicates: Callable[[list[Mapping[str, Any]]], list[Duplicate]] | None = None
    existing_message: str = "已有此人"

    @property
    def rt(self) -> s.RecordType:
        return s.record_type(self.record_type)

    @property
    def given(self) -> tuple[str, ...]:
        """Fields the caller supplies (the owner record), never a column."""
        return (self.rt.parent,) if self.rt.parent else ()

    def header_map(self) -> dict[str, str]:
        """Folded header text → field key. Two fields claiming one text is a bug in the spec."""
        out: dict[str, str] = {}
        for key in self.fields:
            for text in (self.rt.field(key).label, *self.aliases.get(key, ())):
                folded = fold_header(text)
                if out.get(folded, key) != key:
                    raise AssertionError(f"header {text!r} matches both {out[folded]} and {key}")
                out[folded] = key
        return out


def same_id_number(rows: list[Mapping[str, Any]]) -> list[Duplicate]:
    """Rows (0-based) that are the same person by 身份证号: a household is one archive per person."""
    by_id: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        number = (r.get("id_number") or "").strip().upper()
        if number:
            by_id.setdefault(number, []).append(i)
    return [Duplicate(tuple(found), "身份证号相同") for found in by_id.values() if len(found) > 1]


SPECS: dict[str, ImportSpec] = {
    "member": ImportSpec(
        "member",
        ("name", "gender", "birth_month", "politics", "work", "phone", "skills", "id_number", "volunteer_no"),
        aliases={"name": ("队员姓名",), "birth_month": ("出生日期", "出生年月日"), "politics": ("政治面目",),
                 "work": ("工作单位", "单位及职务", "工作单位及职务（职称）"),
                 "phone": ("电话", "手机", "手机号", "手机号码", "联系方式", "电话号码"),
                 "skills": ("服务技能", "特长", "技能特长", "服务技能及特长", "专业特长"),
                 "id_number": ("身份证", "身份证号码", "公民身份号码"),
                 "volunteer_no": ("志愿者编号", "注册编号", "志愿者注册号")},
        duplicates=roster_duplicates, existing_message="名单中已有此人"),
    "household": ImportSpec(
        "household",
        ("name", "gender", "id_number", "birth_date", "employer", "work_status", "hardship", "main_cause",
         "other_causes", "family_size", "income", "health", "bank_account", "address", "phone", "filed_on",
         "filed_by"),
        aliases={"name": ("困难职工姓名", "户主姓名"), "id_number": ("身份证", "身份证号码", "公民身份号码"),
                 "birth_date": ("出生年月日",), "employer": ("工作单位", "单位"), "hardship": ("困难类型",),
                 "main_cause": ("致困原因", "主要困难原因"), "other_causes": ("其他致困原因", "次要致困原因"),
                 "family_size": ("家庭人数", "家庭人口数"),
                 "income": ("月人均收入", "家庭月人均收入（元）", "人均月收入"),
                 "health": ("健康状况", "身体状况", "残疾状况"), "bank_account": ("银行账号", "银行卡号码"),
                 "address": ("家庭住址", "地址"), "phone": ("电话", "手机", "手机号", "联系方式", "手机号码")},
        duplicates=same_id_number, existing_message="已有此困难职工档案"),
}



def spec_for(record_type_key: str) -> ImportSpec:
    try:
        return SPECS[record_type_key]
    except KeyError:
        raise XlsxImportError(f"暂不支持从 Excel 导入“{record_type_key}”") from None




# -- the preview ------------------------------------------------------------------------------------------------
@dataclass
class PreviewRow:
    row: int                                          # the Excel row number
    values: dict[str, Any]                            # field key → converted value (empty cells left out)
    errors: dict[str, str] = dc_field(default_factory=dict)
    warnings: list[str] = dc_field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class Preview:
    record_type: str
    path: Path
    sheet: str
    header_row: int
    columns: dict[str, str]                           # field key → its header text in the file
    unknown_columns: list[str]
    rows: list[PreviewRow]

    @property
    def valid_rows(self) -> list[PreviewRow]:
        return [r for r in self.rows if r.ok]

    @property
    def valid(self) -> int:
        return len(self.valid_rows)

    @property
    def invalid(self) -> int:
        return len(self.rows) - self.valid


# -- opening ----------------------------------------------------------------------------------------------------
def _sheet_rows(path: Path) -> tuple[str, list[tuple[Any, ...]]]:
    """The first worksheet's title and rows, or XlsxImportError saying what the file is instead."""
    import openpyxl
    if not path.is_file():
        raise XlsxImportError(f"“{path}”是一个文件夹，不是 Excel 文件" if path.is_dir() else f"找不到文件“{path}”")
    data = path.read_bytes()
    save_as = "请在 Excel 中“另存为”Excel 工作簿（.xlsx）后再导入"
    if data.startswith(_OLE2):
        # A password-protected .xlsx and an old .xls are both OLE2 compound files; their stream names differ.
        if "EncryptionInfo".encode("utf-16-le") not in data and (
                path.suffix.lower() == ".xls" or "Workbook".encode("utf-16-le") in data):
            raise XlsxImportError(f"“{path.name}”是旧版 Excel 97-2003 工作簿（.xls），{save_as}")
        raise XlsxImportError(f"“{path.name}”：工作簿已加密，请在 Excel 中取消密码后再导入")
    if not data.startswith(_ZIP) or path.suffix.lower() == ".xls":
        raise XlsxImportError(f"“{path.name}”不是 Excel 工作簿（.xlsx）文件（可能是空文件、CSV 或文本文件改了扩展名），"
                              f"{save_as}")
    try:
        # From bytes, so the extension does not matter (.xlsm, a misnamed copy …) and no file handle stays open.
        title, rows = _first_sheet(openpyxl, data, data_only=True)
        if _has_formulas(data):
            rows = _mark_uncomputed(rows, _first_sheet(openpyxl, data, data_only=False)[1])
        return title, rows
    except Exception as exc:   # a zip that is not a workbook fails deep inside openpyxl in many ways
        raise XlsxImportError(f"“{path.name}”不是有效的 Excel 工作簿（.xlsx），可能已损坏或是其他格式"
                              f"（{type(exc).__name__}）") from None


def _first_sheet(openpyxl: ModuleType, data: bytes, *, data_only: bool) -> tuple[str, list[tuple[Any, ...]]]:
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    try:
        ws = wb.worksheets[0]
        ws.reset_dimensions()   # some writers record wrong dimensions; read what is there
        return ws.title, [tuple(r) for r in ws.iter_rows(min_row=1, values_only=True)]
    finally:
        wb.close()


def _has_formulas(data: bytes) -> bool:
    """Whether any worksheet holds a formula (<f> element): only then is the workbook read a second time."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return any(_FORMULA_TAG.search(zf.read(name)) for name in zf.namelist()
                   if name.startswith("xl/worksheets/") and name.endswith(".xml"))


def _mark_uncomputed(values: list[tuple[Any, ...]], formulas: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Cells empty in the cached values but holding a formula become Uncomputed: a program wrote the formula and
    no spreadsheet ever calculated it, so its result is unknown (not empty)."""
    out: list[tuple[Any, ...]] = []
    for r, row in enumerate(values):
        given = formulas[r] if r < len(formulas) else ()
        out.append(tuple(Uncomputed(given[c]) if v is None and c < len(given) and isinstance(given[c], str)
                         and given[c].startswith("=") else v for c, v in enumerate(row)))
    return out


def _id_warnings(rt: s.RecordType, values: dict[str, Any], errors: dict[str, str]) -> list[str]:
    """An 身份证号 also says the sex and the birth date; a mismatch is worth a look, not a refusal."""
    ric = next((f for f in rt.fields if f.check == s.RIC), None)
    if ric is None:
        return []
    number = values.get(ric.key)
    if not number or ric.key in errors or len(number) != 18:
        return []
    out = []
    gender = next((f for f in rt.fields if f.choices == "gender"), None)
    if gender and values.get(gender.key) in ("男", "女") and gender.key not in errors:
        by_id = "男" if int(number[16]) % 2 else "女"
        if values[gender.key] != by_id:
            out.append(f"{gender.label}与{ric.label}不符（{ric.label}显示为{by_id}）")
    birth = next((f for f in rt.fields if f.key.startswith("birth") and f.type in (s.MONTH, s.DATE)), None)
    if birth and values.get(birth.key) and birth.key not in errors:
        by_id = f"{number[6:10]}-{number[10:12]}" + (f"-{number[12:14]}" if birth.type == s.DATE else "")
        if values[birth.key] != by_id:
            out.append(f"{birth.label}与{ric.label}不符（{ric.label}显示为{by_id}）")
    return out


# -- reading ----------------------------------------------------------------------------------------------------
def read_workbook(path: str | os.PathLike[str], record_type_key: str, *, choices: Mapping[str, list[str]],
                  existing: Iterable[Mapping[str, Any]] = ()) -> Preview:
    """Read the first worksheet and check every row; nothing is written. `existing` are the records already there
    (the team's roster), for the duplicate check. Raises XlsxImportError when the file cannot be used at all."""
    spec, path = spec_for(record_type_key), Path(path)
    rt, headers = spec.rt, spec.header_map()
    sheet, rows = _sheet_rows(path)
    key_label = rt.field(spec.key_field).label
    header_at = next((i for i, r in enumerate(rows[:HEADER_SCAN_ROWS])
                      if any(headers.get(fold_header(c)) == spec.key_field for c in r if cell_text(c))), None)
    if header_at is None:
        widest = max(rows[:HEADER_SCAN_ROWS], key=lambda r: sum(1 for c in r if cell_text(c)), default=())
        seen = [text for c in widest if (text := cell_text(c))]
        if not seen:
            raise XlsxImportError(f"工作表“{sheet}”是空的，没有可导入的内容")
        raise XlsxImportError(f"在工作表“{sheet}”的前 {HEADER_SCAN_ROWS} 行中找不到“{key_label}”列；"
                              f"看到的列标题：{'、'.join(seen[:20])}")
    columns, where, unknown = {}, {}, []
    for i, c in enumerate(rows[header_at]):
        text = cell_text(c)
        if not text or fold_header(text) in IGNORED_HEADERS:
            continue
        key = headers.get(fold_header(text))
        if key and key not in columns:
            columns[key], where[key] = text, i
        else:
            unknown.append(text if not key else f"{text}（与“{columns[key]}”重复，已忽略）")
    out: list[PreviewRow] = []
    for number, cells in enumerate(rows[header_at + 1:], start=header_at + 2):
        raw = {k: cells[i] if i < len(cells) else None for k, i in where.items()}
        if all(cell_text(v) is None for v in raw.values()):
            continue
        out.append(_check_row(rt, spec, number, raw, choices))
    if not out:
        raise XlsxImportError(f"工作表“{sheet}”第 {header_at + 1} 行的列标题下面没有数据行")
    _mark_duplicates(spec, out, list(existing))
    return Preview(rt.key, path, sheet, header_at + 1, columns, unknown, out)


def _check_row(rt: s.RecordType, spec: ImportSpec, number: int, raw: dict[str, Any],
               choices: Mapping[str, list[str]]) -> PreviewRow:
    row = PreviewRow(number, {})
    errors: dict[str, str] = {}
    for key, value in raw.items():
        f = rt.field(key)
        try:
            value = normalize(f, convert(f, value, choices, row.warnings))
        except ValueError as exc:
            errors[key] = str(exc)
            continue
        if value is not None and value != []:
            row.values[key] = value
    for key, msg in validate(rt, row.values, choices).items():
        if key not in spec.given:
            errors.setdefault(key, msg)
    row.errors = {k: errors[k] for k in rt.keys if k in errors}
    row.warnings += _id_warnings(rt, row.values, row.errors)
    return row


def _mark_duplicates(spec: ImportSpec, rows: list[PreviewRow], existing: list[Mapping[str, Any]]) -> None:
    if spec.duplicates is None:
        return
    n = len(existing)
    for dup in spec.duplicates(existing + [r.values for r in rows]):
        key = "id_number" if "身份证" in dup.reason else spec.key_field
        ours = [i - n for i in dup.rows if i >= n]
        if len(ours) < len(dup.rows):
            for i in ours:
                rows[i].errors.setdefault(key, f"{spec.existing_message}（{dup.reason}）")
        else:
            for i in ours[1:]:
                rows[i].errors.setdefault(key, f"与第 {rows[ours[0]].row} 行重复（{dup.reason}）")


# -- writing ----------------------------------------------------------------------------------------------------
def import_rows(store: Store, preview: Preview, *, parent_values: dict[str, Any], unit: str | None = None) -> list[str]:
    """Insert the valid rows with the owner's values (team_id …), all in one transaction; the new ids in row order.
    If any insert fails nothing is kept. A 导入前 backup is made first (core.backup; its failure stops the import)."""
    if preview.valid_rows:
        from .backup import IMPORT, backup_before
        backup_before(store.path, IMPORT, "本次未导入任何数据")
    ids: list[str] = []
    # one 操作日志 entry for the file (its counts), and one per record imported
    with store.transaction(), oplog.bulk(store, "import", title=preview.path.name, type_key=preview.record_type,
                                         rows=True):
        for row in preview.valid_rows:
            try:
                ids.append(store.insert(preview.record_type, {**row.values, **parent_values}, unit=unit))
            except ValidationError as exc:
                raise XlsxImportError(f"第 {row.row} 行无法保存：{'；'.join(exc.errors.values())}；"
                                      "本次未导入任何数据") from None
    return ids


def format_report(preview: Preview) -> list[str]:
    """Chinese lines for the CLI and the GUI: each row's problems, the unknown columns, then the summary."""
    lines = []
    for r in preview.rows:
        if r.errors:
            lines.append(f"第 {r.row} 行：{'；'.join(r.errors.values())}")
        lines += [f"第 {r.row} 行（提示）：{w}" for w in r.warnings]
    if preview.unknown_columns:
        lines.append(f"未识别的列（已忽略）：{'、'.join(preview.unknown_columns)}")
    lines.append(f"共 {len(preview.rows)} 行：可导入 {preview.valid} 行，有问题 {preview.invalid} 行")
    return lines
