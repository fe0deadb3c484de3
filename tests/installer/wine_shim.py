"""bcryptprimitives.dll for the Wine test prefix only. Wine 8 lacks it, and cryptography's _rust.pyd (Rust's std)
imports ProcessPrng from it; every Windows 10/11 has it. This DLL holds no code: its one export forwards to
advapi32's SystemFunction036 (RtlGenRandom: buffer, length → TRUE), which Wine has."""
from __future__ import annotations

import struct
from pathlib import Path

DLL_NAME = b"bcryptprimitives.dll\0"
FUNCTION = b"ProcessPrng\0"
FORWARD = b"advapi32.SystemFunction036\0"
EDATA_RVA = 0x1000
FILE_ALIGN = 0x200


def _export_section() -> bytes:
    """IMAGE_EXPORT_DIRECTORY (40 bytes), the three one-entry tables, then the strings."""
    functions = EDATA_RVA + 40
    names = functions + 4
    ordinals = names + 4
    dll_name = ordinals + 2
    function = dll_name + len(DLL_NAME)
    forward = function + len(FUNCTION)
    directory = struct.pack("<IIHHIIIIIII", 0, 0, 0, 0, dll_name, 1, 1, 1, functions, names, ordinals)
    body = directory + struct.pack("<I", forward) + struct.pack("<I", function) + struct.pack("<H", 0)
    return body + DLL_NAME + FUNCTION + FORWARD


def dll_bytes() -> bytes:
    edata = _export_section()
    raw = edata + b"\0" * (-len(edata) % FILE_ALIGN)
    dos = b"MZ" + b"\0" * 58 + struct.pack("<I", 0x40)
    coff = struct.pack("<HHIIIHH", 0x8664, 1, 0, 0, 0, 240, 0x2022)   # AMD64, one section; executable, large, DLL
    optional = struct.pack("<HBBIIIII", 0x20B, 14, 0, 0, len(raw), 0, 0, 0x1000)
    optional += struct.pack("<QIIHHHHHHIIIIHHQQQQII", 0x180000000, 0x1000, FILE_ALIGN, 6, 0, 0, 0, 6, 0, 0,
                            0x2000, FILE_ALIGN, 0, 3, 0x0100, 0x100000, 0x1000, 0x100000, 0x1000, 0, 16)
    directories = [(EDATA_RVA, len(edata))] + [(0, 0)] * 15
    optional += b"".join(struct.pack("<II", rva, size) for rva, size in directories)
    section = struct.pack("<8sIIIIIIHHI", b".edata", len(edata), EDATA_RVA, len(raw), FILE_ALIGN, 0, 0, 0, 0,
                          0x40000040)   # initialised data, readable
    headers = dos + b"PE\0\0" + coff + optional + section
    return headers + b"\0" * (FILE_ALIGN - len(headers)) + raw


def install(prefix: Path) -> Path:
    target = prefix / "drive_c" / "windows" / "system32" / "bcryptprimitives.dll"
    target.write_bytes(dll_bytes())
    return target
