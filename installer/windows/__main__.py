"""`python -m installer.windows --out dist [--version V]`: the payload in build/windows/payload, then
`<out>/LeifengDesktop-Setup-<version>.exe`; its size is printed. A second run with nothing changed makes no new
setup program (the payload's digest is the same); downloads are cached in build/."""
from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

from .. import common
from . import nsis, payload

MAX_SIZE = 120_000_000


def setup_name(version: str) -> str:
    return f"LeifengDesktop-Setup-{version}.exe"


def build(out: Path, version: str, payload_dir: Path | None = None) -> Path:
    work = common.build_dir("windows")
    folder = payload.build(payload_dir or work / "payload", version)
    out.mkdir(parents=True, exist_ok=True)
    target = (out / setup_name(version)).resolve()
    script = nsis.script(folder.resolve(), target, version, payload.size(folder))
    stamp = work / f"{target.name}.digest"
    digest = payload.digest(folder) + ":" + hashlib.sha256(script.encode()).hexdigest()   # the script counts too
    if not (target.exists() and stamp.exists() and stamp.read_text() == digest):
        script_path = work / "setup.nsi"
        script_path.write_text(script, encoding="utf-8-sig")
        target.unlink(missing_ok=True)
        nsis.makensis(script_path)
        stamp.write_text(digest)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m installer.windows", description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("dist"), help="folder of the setup program")
    parser.add_argument("--version", default=None, help="version to build (default: pyproject.toml's)")
    parser.add_argument("--payload-only", type=Path, metavar="FOLDER",
                        help="only make the payload in FOLDER (the smoke tests' upgrade build)")
    args = parser.parse_args(argv)
    version = args.version or common.version()
    if args.payload_only:
        folder = payload.build(args.payload_only, version)
        print(f"payload {folder}: {payload.size(folder) / 1e6:.1f} MB")
        return 0
    target = build(args.out, version)
    print(f"{target}: {common.size_text(target)}")
    if target.stat().st_size >= MAX_SIZE:
        print(f"the setup program is larger than {MAX_SIZE / 1e6:.0f} MB")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
