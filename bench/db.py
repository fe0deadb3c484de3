"""The database a run measures: generated once per scale, seed and schema version (core.generate through the CLI's
`generate`), kept under build/bench/ and reused; a run works on a copy so the window's daily backup or a migration
never changes the cached file. The name also carries a digest of the migrations' and the generator's sources: a step
whose body changed (an index added to m009) is recorded as applied in an older file and would never run on it."""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from leifeng_desktop.core.migrations import SCHEMA_VERSION

from .measure import ROOT

CACHE = ROOT / "build" / "bench"
CORE = ROOT / "leifeng_desktop" / "core"
SOURCES = ("migrations.py", "migration_sql.py", "migrate_*.py", "schema.py", "generate*.py", "sealed.py")


def digest() -> str:
    """Eight hex digits of the sources that shape a generated file."""
    h = hashlib.sha256()
    for pattern in SOURCES:
        for path in sorted(CORE.glob(pattern)):
            h.update(path.name.encode() + path.read_bytes())
    return h.hexdigest()[:8]


def cached(scale: str, seed: int, cache: Path = CACHE) -> Path:
    """build/bench/<scale>-<seed>-v<schema>-<digest>.db, generated first when missing (atomically: a stopped run
    leaves no half file to be reused)."""
    path = cache / f"{scale}-{seed}-v{SCHEMA_VERSION}-{digest()}.db"
    if path.exists():
        return path
    cache.mkdir(parents=True, exist_ok=True)
    part = path.with_name(f"{path.stem}-partial.db")
    for leftover in (part, Path(f"{part}-wal"), Path(f"{part}-shm")):
        leftover.unlink(missing_ok=True)
    print(f"generating the {scale} database (seed {seed}) into {path} …", file=sys.stderr, flush=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-m", "leifeng_desktop", "--db", str(part), "generate", "--scale", scale,
                    "--seed", str(seed)], check=True, env=env, stdout=subprocess.DEVNULL)
    part.rename(path)
    return path


def working_copy(source: Path, folder: Path) -> Path:
    """A copy of the cached file in `folder` (a run's scratch folder) to open, write and back up."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "bench.db"
    shutil.copyfile(source, target)
    return target
