"""What both installers share: the version (pyproject.toml, the one place), the app's wheel, the build folders."""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
# What a wheel of the app is built from; copied so setuptools leaves no build/lib or egg-info in the checkout.
APP_SOURCES = ("leifeng_desktop", "forms", "resources", "pyproject.toml", "README.md")


def project() -> dict:
    with open(ROOT / "pyproject.toml", "rb") as f:
        return dict(tomllib.load(f)["project"])


def version() -> str:
    return str(project()["version"])


def dependencies() -> list[str]:
    return [str(d) for d in project()["dependencies"]]


def build_dir(*parts: str) -> Path:
    folder = BUILD.joinpath(*parts)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def run(cmd: list, quiet: bool = False, **kwargs) -> subprocess.CompletedProcess:
    """Run a build tool, stopping the build when it fails; `quiet` shows its output only then."""
    print("+", " ".join(str(c) for c in cmd), flush=True)
    if not quiet:
        return subprocess.run([str(c) for c in cmd], check=True, **kwargs)
    done = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kwargs)
    if done.returncode:
        print(done.stdout, done.stderr, sep="\n", flush=True)
        done.check_returncode()
    return done


def app_wheel() -> Path:
    """`pip wheel . --no-deps` of a clean copy of the sources (setuptools and wheel from PyPI, as pip builds), in
    folders of this call's own: both installers' builds and tests may build one at the same time."""
    wheels = build_dir("app-wheels")
    for old in wheels.iterdir():   # earlier calls' wheels, kept an hour for their callers
        if time.time() - old.stat().st_mtime > 3600:
            shutil.rmtree(old, ignore_errors=True)
    out = Path(tempfile.mkdtemp(dir=wheels))
    with tempfile.TemporaryDirectory(dir=build_dir("tmp")) as tmp:
        src = Path(tmp)
        for name in APP_SOURCES:
            path = ROOT / name
            if path.is_dir():
                shutil.copytree(path, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            else:
                shutil.copy2(path, src / name)
        run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", out, src], quiet=True)
    found = sorted(out.glob("leifeng_desktop-*.whl"))
    if len(found) != 1:
        raise RuntimeError(f"expected one app wheel in {out}, found {found}")
    return found[0]


def size_text(path: Path) -> str:
    return f"{path.stat().st_size / 1e6:.1f} MB"
