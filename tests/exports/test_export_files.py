"""Exports leave nothing behind and explain OS failures in Chinese (issue 11, Deliver 6 and 8 for exports):
temporary files beside the target only, none after a failure or cancel, a killed export's leftovers swept at the
next start, and one Chinese line naming the chosen file for disk full, read-only, folder-as-file, missing folder."""
import errno
import os
import random
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import openpyxl
import pytest

from leifeng_desktop.core.demo import load_demo
from leifeng_desktop.core.errors import UserError
from leifeng_desktop.core.store import Store
from leifeng_desktop.core.xlsx_template import write_template
from leifeng_desktop.exports import ExportCancelled, files, leftovers
from leifeng_desktop.exports.registration import export_registration
from leifeng_desktop.exports.visit_ledgers import export_aid_ledger

REPO = Path(__file__).resolve().parents[2]
ID_18 = re.compile(rb"(?<!\d)\d{17}[\dX](?!\d)")


@pytest.fixture
def out(tmp_path):
    folder = tmp_path / "导出"
    folder.mkdir()
    return folder


@pytest.fixture
def aid_store(store, fake_id):
    hh = [store.insert("household", {"name": f"困难职工{n}", "id_number": fake_id(seq=n)}) for n in range(1, 6)]
    for n, h in enumerate(hh):
        store.insert("aid", {"household_id": h, "date": f"2026-0{1 + n}-10", "programme": "送温暖", "amount": 50000})
    return store


def ours(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if leftovers.TEMP_NAME.match(p.name))


def holds_an_id(path: Path) -> bool:
    data = path.read_bytes()
    if ID_18.search(data):
        return True
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            return any(ID_18.search(z.read(n)) for n in z.namelist())
    return False


# -- temporary files --------------------------------------------------------------------------------------------
def test_openpyxl_temporaries_go_beside_the_target_not_to_the_temp_folder(aid_store, out, tmp_path, monkeypatch):
    from openpyxl.worksheet import _writer
    system_tmp = tmp_path / "system-tmp"
    system_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_tmp))
    seen = []
    made = _writer.WorksheetWriter.__init__      # a ledger's sheet is a stream from its first row (issue 18)
    monkeypatch.setattr(_writer.WorksheetWriter, "__init__",
                        lambda self, *a, **kw: (made(self, *a, **kw), seen.append((Path(self.out), ours(out))))[0])
    path = export_aid_ledger(aid_store, out / "帮扶台账.xlsx", reveal=True)
    assert seen and all(p.parent == out and p.name in names and len(names) == 2 for p, names in seen)
    assert list(system_tmp.iterdir()) == []
    assert [p.name for p in out.iterdir()] == ["帮扶台账.xlsx"] and holds_an_id(path)
    assert os.stat(path).st_mode & 0o777 == 0o600      # full numbers (reveal): the owner's only (issue 19)


def test_a_failure_or_a_cancel_leaves_nothing_and_keeps_the_old_file(out):
    target = out / "台账.xlsx"
    target.write_bytes(b"old")

    def half(exc):
        def write(temp):
            temp.write_bytes(b"half")
            raise exc
        return write
    with pytest.raises(ExportCancelled):
        files.write_atomic(target, half(ExportCancelled()))
    with pytest.raises(RuntimeError):       # a program error stays what it is
        files.write_atomic(target, half(RuntimeError("bug")))
    assert [p.name for p in out.iterdir()] == ["台账.xlsx"] and target.read_bytes() == b"old"
    assert list(leftovers.journal_dir().iterdir()) == []


def test_sweep_leftovers_removes_only_what_a_killed_export_left(out):
    token = "0123456789ab"
    left = out / f".~leifeng-{token}-deadbeef.tmp"
    left.write_text("110101198503120014")
    keep = [".~lock.台账.xlsx#", "~$台账.xlsx", "notes.tmp", ".~leifeng-notours.tmp", "台账.xlsx"]
    for name in keep:
        (out / name).write_text("x")
    leftovers.journal_dir().mkdir(parents=True, exist_ok=True)
    (leftovers.journal_dir() / f"{token}.txt").write_text(str(out), encoding="utf-8")
    assert leftovers.sweep_leftovers() == 1
    assert sorted(p.name for p in out.iterdir()) == sorted(keep)
    assert list(leftovers.journal_dir().iterdir()) == []
    assert leftovers.sweep_leftovers() == 0


def test_a_running_export_is_never_swept_by_this_or_another_process(out, private_data_folder):
    target = out / "台账.xlsx"
    with files.temporary_beside(target) as temp:
        temp.write_text("in progress")
        assert leftovers.sweep_leftovers() == 0 and leftovers.sweep_folder(out) == 0
        env = {**os.environ, "PYTHONPATH": str(REPO), "XDG_DATA_HOME": str(private_data_folder)}
        other = subprocess.run([sys.executable, "-c", "from leifeng_desktop.exports.leftovers import sweep_leftovers, "
                                f"sweep_folder; print(sweep_leftovers(), sweep_folder({str(out)!r}))"],
                               capture_output=True, text=True, env=env, timeout=120)
        assert other.stdout.split() == ["0", "0"], other.stderr
        assert temp.exists()
    assert not temp.exists() and list(out.iterdir()) == []
    assert list(leftovers.journal_dir().iterdir()) == []


def test_leftovers_of_older_versions_go_before_an_export_into_their_folder(aid_store, out):
    for name in (".~abcd1234.xlsx.tmp", ".~ab_d1234.xlsx", ".~zz9_8765.docx.tmp"):
        (out / name).write_text("110101198503120014")
    export_aid_ledger(aid_store, out / "帮扶台账.xlsx")
    assert [p.name for p in out.iterdir()] == ["帮扶台账.xlsx"]


# -- OS failures ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("code, words", [
    (errno.ENOSPC, "磁盘空间不足"), (errno.EROFS, "只读"), (errno.EACCES, "没有权限"), (errno.EPERM, "没有权限"),
    (errno.ENOENT, "不存在"), (errno.EISDIR, "是一个文件夹"), (errno.EEXIST, "已存在"), (errno.ENOTDIR, "不是文件夹"),
    (errno.ENAMETOOLONG, "太长"), (errno.EIO, "系统错误代码"),
])
def test_explain_os_error_names_the_chosen_file_in_one_chinese_line(out, code, words):
    target = out / "帮扶台账.xlsx"
    exc = OSError(code, os.strerror(code), str(out / ".~leifeng-0123456789ab-deadbeef.tmp"))
    error = files.explain_os_error(exc, target)
    text = str(error)
    assert isinstance(error, UserError) and isinstance(error, OSError) and error.errno == code
    assert words in text and ("帮扶台账.xlsx" in text) and ".~leifeng" not in text
    assert "\n" not in text and "Errno" not in text and os.strerror(code) not in text


def test_a_folder_given_as_the_file_is_refused_and_left_alone(aid_store, out):
    target = out / "台账.xlsx"
    target.mkdir()
    with pytest.raises(UserError, match="是一个文件夹") as caught:
        export_aid_ledger(aid_store, target)
    assert str(target) in str(caught.value) and list(target.iterdir()) == []
    assert [p.name for p in out.iterdir()] == ["台账.xlsx"]


def test_a_missing_folder_is_named_and_nothing_is_created(aid_store, out):
    target = out / "没有的文件夹" / "台账.xlsx"
    with pytest.raises(UserError, match="不存在") as caught:
        export_aid_ledger(aid_store, target)
    assert "没有的文件夹" in str(caught.value) and "台账.xlsx" in str(caught.value)
    assert list(out.iterdir()) == [] and list(leftovers.journal_dir().iterdir()) == []


def test_a_failed_template_leaves_no_empty_file_that_blocks_the_retry(out):
    target = out / "新建" / "队员名单模板.xlsx"
    with pytest.raises(UserError, match="不存在"):
        write_template(target, "member")
    assert list(out.iterdir()) == []
    target.parent.mkdir()
    write_template(target, "member")
    assert openpyxl.load_workbook(target).sheetnames[1] == "填写说明"
    assert [p.name for p in target.parent.iterdir()] == [target.name]


def test_a_file_in_place_of_the_registration_folder_is_named(store, team_values, out):
    team = store.insert("team", team_values)
    blocker = out / "登记表"
    blocker.write_text("not a folder")
    with pytest.raises(UserError, match="已存在同名文件") as caught:
        export_registration(store, [team], blocker)
    assert str(blocker) in str(caught.value) and blocker.read_text() == "not a folder"


# -- a small disk and a read-only one (root: tmpfs) ------------------------------------------------------------
@pytest.fixture
def tmpfs(tmp_path):
    """A 64 KiB tmpfs (mounting needs root); unmounted afterwards."""
    if os.name != "posix" or os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root (the CI runs as root)")
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mnt)], capture_output=True,
                       text=True, timeout=60)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.strip()}")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], capture_output=True, timeout=60)


def fill(folder: Path, leave: int = 4096) -> None:
    """Fill the file system, then free `leave` bytes: room for an empty file, not for a workbook."""
    filler = folder / "filler"
    with open(filler, "wb", buffering=0) as fh:
        try:
            while True:
                fh.write(b"\0" * 4096)
                fh.flush()
        except OSError:
            pass
    with open(filler, "r+b") as fh:
        fh.truncate(max(0, filler.stat().st_size - leave))


@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")   # no English "Exception ignored"
@pytest.mark.parametrize("what", ["ledger", "template"])
def test_disk_full_gives_the_chinese_line_and_leaves_nothing(aid_store, tmpfs, what):
    fill(tmpfs)
    target = tmpfs / ("帮扶台账.xlsx" if what == "ledger" else "困难职工模板.xlsx")
    with pytest.raises(UserError, match="磁盘空间不足") as caught:
        if what == "ledger":
            export_aid_ledger(aid_store, target, reveal=True)
        else:
            write_template(target, "household")
    assert str(target) in str(caught.value)
    assert [p.name for p in tmpfs.iterdir()] == ["filler"]


@pytest.fixture
def read_only_folder(tmp_path, request):
    """As root (modes do not bind root): the tmpfs remounted read-only; otherwise a folder with mode 0555."""
    if os.name == "posix" and os.geteuid() == 0:
        mnt = request.getfixturevalue("tmpfs")
        subprocess.run(["mount", "-o", "remount,ro", str(mnt)], check=True, capture_output=True, timeout=60)
        return mnt
    folder = tmp_path / "只读"
    folder.mkdir()
    folder.chmod(0o555)
    request.addfinalizer(lambda: folder.chmod(0o755))
    return folder


def test_a_read_only_folder_gives_the_chinese_line_and_leaves_nothing(aid_store, read_only_folder):
    target = read_only_folder / "帮扶台账.xlsx"
    with pytest.raises(UserError, match="只读|没有权限") as caught:
        export_aid_ledger(aid_store, target)
    assert "帮扶台账.xlsx" in str(caught.value) and list(read_only_folder.iterdir()) == []
    with pytest.raises(UserError, match="只读|没有权限"):
        write_template(read_only_folder / "模板.xlsx", "member")
    assert list(read_only_folder.iterdir()) == []


# -- kill -9 ----------------------------------------------------------------------------------------------------
EXPORT_FOREVER = """
import sys
from leifeng_desktop.core.store import Store
from leifeng_desktop.exports.visit_ledgers import export_aid_ledger
store = Store.open(sys.argv[1])
print("ready", flush=True)
while True:
    export_aid_ledger(store, sys.argv[2], reveal=True)
"""


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    with Store.open(path) as st:
        load_demo(st)
        rows = st.count("aid")
    return path, rows


def test_kill_9_during_exports_leaves_a_complete_file_or_nothing(demo_db, tmp_path, private_data_folder):
    db, aid_rows = demo_db
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    env = {**os.environ, "PYTHONPATH": str(REPO), "TMPDIR": str(private_tmp),
           "XDG_DATA_HOME": str(private_data_folder)}
    pick = random.Random(11)
    for run in range(20):
        folder = tmp_path / f"run{run}"
        folder.mkdir()
        target = folder / "帮扶台账.xlsx"
        proc = subprocess.Popen([sys.executable, "-c", EXPORT_FOREVER, str(db), str(target)],
                                stdout=subprocess.PIPE, env=env)
        try:
            assert proc.stdout.readline().strip() == b"ready"
            try:
                proc.wait(timeout=pick.uniform(0.0, 0.8))        # a varied moment; it never ends by itself
            except subprocess.TimeoutExpired:
                pass
        finally:
            proc.kill()
            proc.wait(timeout=60)
            proc.stdout.close()
        assert proc.returncode == -9
        others = [p.name for p in folder.iterdir() if p != target and not leftovers.TEMP_NAME.match(p.name)]
        assert others == [], others
        if target.exists():      # the target is the complete ledger or absent, never half of one
            ws = openpyxl.load_workbook(target).active
            assert ws.max_row >= aid_rows + 3
        leftovers.sweep_leftovers()
        assert [p.name for p in folder.iterdir()] in ([], [target.name])
    # no entry left behind (the folder itself exists only once some run got as far as writing an entry)
    assert not leftovers.journal_dir().exists() or list(leftovers.journal_dir().iterdir()) == []
    leaked = [p for p in private_tmp.rglob("*") if p.is_file() and holds_an_id(p)]
    assert leaked == []


# -- several files as one export --------------------------------------------------------------------------------
def test_a_multi_file_export_that_fails_half_way_leaves_no_file_and_no_folder(store, team_values, tmp_path,
                                                                              monkeypatch):
    from leifeng_desktop.exports import registration as reg
    ids = [store.insert("team", {**team_values, "name": f"第{i}服务队"}) for i in range(4)]
    real, built = reg.build_registration, []

    def third_fails(*args, **kwargs):
        if len(built) == 2:
            raise OSError(28, "No space left on device")
        built.append(1)
        return real(*args, **kwargs)
    monkeypatch.setattr(reg, "build_registration", third_fails)
    out = tmp_path / "新建 文件夹"
    with pytest.raises(OSError):
        reg.export_registration(store, ids, out)
    assert not out.exists()                         # two documents were complete, yet none was put in place
    keep = tmp_path / "已有"
    keep.mkdir()
    (keep / "别的文件.txt").write_text("x")
    built.clear()
    with pytest.raises(OSError):
        reg.export_registration(store, ids, keep)
    assert [p.name for p in keep.iterdir()] == ["别的文件.txt"]   # an existing folder stays, with only its own
    monkeypatch.setattr(reg, "build_registration", real)
    paths = reg.export_registration(store, ids, out)
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in paths) and len(paths) == 5
