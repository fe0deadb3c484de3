"""Shared fixtures. Qt runs offscreen; set before any Qt import."""
import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# the keys of encrypted databases (core.device_keys): one private folder for the run, so a file made in one test's
# data folder (a module's demo) opens unlocked in another, as on one PC; tests of another PC remove the key
os.environ.setdefault("LEIFENG_KEYS_DIR", tempfile.mkdtemp(prefix="leifeng-keys-"))
os.environ.setdefault("QT_SCALE_FACTOR_ROUNDING_POLICY", "PassThrough")

import pytest  # noqa: E402

from leifeng_desktop.core.store import Store  # noqa: E402


@pytest.fixture(autouse=True)
def private_data_folder(tmp_path_factory, monkeypatch):
    """The app's data folder (default database, logs, the exports-in-progress journal) is a private one per test:
    a test never touches the real user's folder."""
    data = tmp_path_factory.mktemp("data-home")
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    monkeypatch.setenv("APPDATA", str(data))
    return data


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "leifeng.db"


@pytest.fixture
def store(db_path):
    st = Store.open(db_path)
    yield st
    st.close()


@pytest.fixture
def team_values(store):
    """A valid team, as a clerk would fill the 登记表."""
    return {"name": "供电公司职工志愿服务队", "kind": store.settings.choices()["team_kind"][0],
            "unit": "XX市供电公司工会", "leader": "王建国", "leader_phone": "13812345678",
            "categories": ["扶老助残", "便民利民"], "service_forms": ["上门服务"], "founded_on": "2026-08-01"}


@pytest.fixture
def fake_id():
    """A checksum-valid 18-digit 身份证号 (python-stdnum also checks the area code, so a real one is used)."""
    from stdnum.cn import ric

    def make(birth: str = "19850312", seq: int = 1) -> str:
        body = f"110101{birth}{seq:03d}"
        return body + ric.calc_check_digit(body + "0")   # it reads the first 17 digits of an 18-digit number
    return make


@pytest.fixture(autouse=True)
def no_blocking_message_boxes(monkeypatch):
    """A message box nobody answers would hang the run: any a test did not expect (and patch itself) fails it,
    showing what it said."""
    try:
        from PySide6.QtWidgets import QMessageBox
    except ImportError:   # the Qt-free tests still run without PySide6
        yield
        return

    def unexpected(kind):
        def fail(*args, **kwargs):
            text = " / ".join(str(a) for a in args[1:3])
            raise AssertionError(f"unexpected QMessageBox.{kind}: {text}")
        return staticmethod(fail)

    for kind in ("warning", "critical", "information", "question"):
        monkeypatch.setattr(QMessageBox, kind, unexpected(kind))
    monkeypatch.setattr(QMessageBox, "exec", lambda self: (_ for _ in ()).throw(
        AssertionError(f"unexpected message box: {self.windowTitle()} / {self.text()}")))
    yield



# The CLI with PySide6 unimportable: a finder that refuses it sits first on sys.meta_path.
WITHOUT_QT = """
import sys
class _NoQt:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "PySide6":
            raise ImportError("PySide6 is blocked for this test")
sys.meta_path.insert(0, _NoQt())
from leifeng_desktop.cli import main
code = main(sys.argv[1:])
assert not [m for m in sys.modules if m.split(".")[0] == "PySide6"], "PySide6 was imported"
sys.exit(code)
"""


@pytest.fixture
def cli_without_qt():
    """Run `leifeng-desktop ARGS` in a fresh interpreter that cannot import PySide6."""
    import subprocess
    import sys
    from pathlib import Path

    def run(*args):
        env = {k: v for k, v in os.environ.items() if k != "LEIFENG_DEBUG"}
        env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1])
        return subprocess.run([sys.executable, "-c", WITHOUT_QT, *map(str, args)], capture_output=True, env=env,
                              timeout=120, check=False)
    return run


@pytest.fixture(autouse=True)
def collect_on_the_main_thread():
    """Garbage of one test (closed dialogs' wrappers) is collected here, on the GUI thread, not later by chance
    on a worker thread of another test."""
    yield
    import gc
    gc.collect()
