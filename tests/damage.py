"""Damaged databases for the tests: garbage over one page, as a failing disk or a bad copy leaves it."""
import hashlib
import sqlite3
from pathlib import Path


def digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def garble_page(path: Path, page: int) -> None:
    """Garbage over one page (page 1 keeps its 100-byte header)."""
    conn = sqlite3.connect(path)
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with open(path, "r+b") as fh:
        fh.seek((page - 1) * size + (100 if page == 1 else 0))
        fh.write(bytes((i * 37 + 11) % 251 for i in range(size - (100 if page == 1 else 0))))


def root_page(path: Path, table: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", [table]).fetchone()[0])
    finally:
        conn.close()
