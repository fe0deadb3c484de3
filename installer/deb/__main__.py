"""`python -m installer.deb --out dist [--version V] [--compress xz|gzip|none] [--offline]`: the Debian package,
printed with its size. --version names another version, --offline reuses the last build's wheels, gzip or none
compress faster: the upgrade test builds N+1 so."""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from installer import common

from . import debfile, layout, prune, vendor


def build(out: Path, version: str, compress: str = "xz", offline: bool = False) -> Path:
    wheel = common.app_wheel()
    modules = prune.qt_modules(wheel)
    libraries, wheels = vendor.vendor(modules, offline)
    # The tree of this build only: `make dist` and the upgrade test's N+1 may be built at the same time.
    root = Path(tempfile.mkdtemp(prefix="root-", dir=common.build_dir("deb")))
    try:
        layout.stage(root, libraries, wheel)
        debfile.write_debian(root, version, wheels)
        deb = debfile.build(root, out, compress)
        size = debfile.installed_size(root)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"{deb.name}: {common.size_text(deb)} (installed {size / 1024:.0f} MB; "
          f"Qt modules {', '.join(sorted(modules))})", flush=True)
    return deb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m installer.deb", description=__doc__)
    parser.add_argument("--out", type=Path, default=common.ROOT / "dist", help="folder for the .deb (dist)")
    parser.add_argument("--version", default=common.version(), help="the package's version (pyproject.toml's)")
    parser.add_argument("--compress", choices=("xz", "gzip", "none"), default="xz")
    parser.add_argument("--offline", action="store_true", help="the wheels of the last build, no download")
    args = parser.parse_args(argv)
    build(args.out.resolve(), args.version, args.compress, args.offline)
    return 0


if __name__ == "__main__":
    sys.exit(main())
