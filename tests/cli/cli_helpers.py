"""What the CLI tests share: running the CLI as a process, proving files untouched, a folder read-only even to root."""
import ctypes
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from leifeng_desktop.core.store import Store

ROOT = Path(__file__).resolve().parents[2]


def digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def files_of(path: Path) -> dict[str, str | None]:
    """The database and its WAL/SHM companions, to prove a refused file is left exactly as it was."""
    return {suffix: digest(Path(f"{path}{suffix}")) for suffix in ("", "-wal", "-shm")}


def run(*args, cwd=None, env_extra=None, code=None, preexec_fn=None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "LEIFENG_DEBUG"}
    env.update(PYTHONPATH=str(ROOT), **(env_extra or {}))
    cmd = [sys.executable, "-c", code, *args] if code else [sys.executable, "-m", "leifeng_desktop", *args]
    return subprocess.run(cmd, capture_output=True, cwd=cwd, env=env, timeout=120, preexec_fn=preexec_fn)


def text(stream: bytes) -> str:
    return stream.decode("utf-8")


def assert_one_error_line(stderr: str, *fragments: str) -> None:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("错误："), stderr
    assert "Traceback" not in stderr
    for fragment in fragments:
        assert fragment in lines[0], stderr


# -- a read-only folder ----------------------------------------------------------------------------------------
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, PR_CAPBSET_DROP = 1, 2, 24


def _drop_root_override():
    """In the child before exec: take away root's power to ignore permission bits (it keeps uid 0)."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


@pytest.fixture
def read_only_folder(tmp_path):
    if sys.platform == "win32":
        pytest.skip("POSIX permissions")
    folder = tmp_path / "ro"
    folder.mkdir()
    with Store.open(folder / "old.db") as st:   # an existing database in the folder
        st.insert("household", {"name": "李梅"})
    folder.chmod(0o555)
    preexec = None
    if os.geteuid() == 0:
        # root ignores permission bits; run the CLI as root without CAP_DAC_OVERRIDE so the folder really is
        # read-only to it (skip where the container does not let us drop capabilities)
        preexec = _drop_root_override
        try:
            probe = run(f"open({str(folder / 'probe')!r}, 'w')", code="import sys; exec(sys.argv[1])",
                        preexec_fn=preexec)
        except subprocess.SubprocessError as exc:
            folder.chmod(0o755)
            pytest.skip(f"cannot drop root's permission override here: {exc}")
        if probe.returncode == 0:
            folder.chmod(0o755)
            pytest.skip("root can still write into a read-only folder here")
    yield folder, preexec
    folder.chmod(0o755)
