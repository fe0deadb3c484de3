"""How much slower the packaged app starts than the same sources in the venv (issue 16's goal: at most 1.5×).

`python -m installer.deb.startbench [--root /] [--runs 5]`: the window (offscreen, to its first paint, through
LEIFENG_BENCH_FIRST_PAINT) and `check`, each run alternately through the venv's `leifeng-desktop` and the package's
/usr/bin/leifeng-desktop (under --root when unpacked with dpkg -x), on the same demo database in a scratch home;
prints the medians of the wall times and their ratios."""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from installer import common

VENV_APP = common.ROOT / ".venv" / "bin" / "leifeng-desktop"


def _env(home: Path) -> dict[str, str]:
    return dict(os.environ, HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"),
                XDG_DATA_HOME=str(home / ".local" / "share"), QT_QPA_PLATFORM="offscreen",
                LEIFENG_BENCH_FIRST_PAINT="1")


def _seconds(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
    return time.perf_counter() - started


def measure(installed: Path, runs: int) -> dict[str, tuple[float, float]]:
    """{what: (venv median, package median)} for the window's first paint and `check`."""
    with tempfile.TemporaryDirectory(prefix="leifeng-startbench-") as scratch:
        home = Path(scratch)
        env = _env(home)
        db = home / "演示 数据.db"
        subprocess.run([str(installed), "--db", str(db), "demo"], env=env, check=True, stdout=subprocess.DEVNULL)
        results = {}
        for what, extra in (("window", []), ("check", ["check"])):
            times: dict[str, list[float]] = {"venv": [], "package": []}
            for run in range(runs + 1):   # the first round warms the page cache and is not counted
                for name, app in (("venv", VENV_APP), ("package", installed)):
                    seconds = _seconds([str(app), "--db", str(db), *extra], env)
                    if run:
                        times[name].append(seconds)
            results[what] = (statistics.median(times["venv"]), statistics.median(times["package"]))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m installer.deb.startbench", description=__doc__)
    parser.add_argument("--root", type=Path, default=Path("/"), help="where the package is (/ once installed)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    installed = args.root / "usr" / "bin" / "leifeng-desktop"
    if not installed.exists() or not VENV_APP.exists():
        print(f"missing {installed if not installed.exists() else VENV_APP}", file=sys.stderr)
        return 2
    for what, (venv, package) in measure(installed, args.runs).items():
        print(f"{what:7s} venv {venv:.2f} s, package {package:.2f} s: {package / venv:.2f}×", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
