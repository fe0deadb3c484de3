"""`bundle export|import` and `bundle settings export|import` (issue 17), run through cli.main inside click's
CliRunner isolation (stdin for the hidden prompts): passphrases from a file or typed twice on a terminal, never on
the command line; one line per imported file and exit 1 when any was refused; --dry-run writing nothing; the city's
settings down to a sub-union and the sub-union's bundle back up, its visits landing on the city's working groups."""
from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from leifeng_desktop import cli
from leifeng_desktop.cli import bundle as bundle_cli
from leifeng_desktop.core import crypto
from leifeng_desktop.core import store as store_module
from leifeng_desktop.core.first_run import first_setup
from leifeng_desktop.core.store import Store

from cli_helpers import files_of

CITY, SUB, OTHER = "江城市总工会", "青山区总工会", "江岸区总工会"
PASSPHRASE = "电话里说的口令2026"


@pytest.fixture(autouse=True)
def fast_scrypt(monkeypatch):
    real = crypto.password_key
    monkeypatch.setattr(crypto, "password_key", lambda pw, salt, n=0, r=8, p=1: real(pw, salt, n=2**10, r=r, p=p))


@pytest.fixture
def terminal(monkeypatch):
    """Someone at the terminal: prompts are answered from the runner's input."""
    monkeypatch.setattr(bundle_cli, "interactive", lambda: True)


def run(*args, input: str | None = None) -> tuple[int, str, str]:
    with CliRunner().isolation(input=input) as (out, err, _):
        code = cli.main([str(a) for a in args])
        sys.stdout.flush()
        sys.stderr.flush()
    return code, out.getvalue().decode(), err.getvalue().decode()


def secret(tmp_path: Path, text: str = PASSPHRASE, name: str = "口令.txt") -> Path:
    path = tmp_path / name
    path.write_text(text + "\n", encoding="utf-8")
    return path


def office(path: Path, unit: str, kind: str, operator: str) -> Path:
    with Store.open(path) as st:
        first_setup(st, {"city": "江城市", "year": 2026, "our_unit": unit, "our_unit_kind": kind,
                         "operator": operator})
    return path


@pytest.fixture
def city(tmp_path) -> Path:
    path = office(tmp_path / "市总.db", CITY, "市总工会", "市总填表人")
    with Store.open(path) as st:
        st.settings.set({"enterprise_target": 60, "registration_deadline": "2026-08-18"})
        st.settings.set_choices("aid_programme", [*st.settings.choices()["aid_programme"], "春风行动"])
        st.insert("unit", {"name": SUB, "kind": "区县工会", "expected": 1})
        st.insert("unit", {"name": OTHER, "kind": "区县工会", "expected": 1})
        st.insert("working_group", {"name": "第五工作组", "leader": "陈部长"})
    return path


@pytest.fixture
def sub(tmp_path) -> Path:
    return office(tmp_path / "青山区.db", SUB, "区县总工会", "李丽")


def visit(path: Path, group: str, enterprise: str = "青山机床厂") -> str:
    with Store.open(path) as st:
        gid = st.rows("working_group", where="name = ?", params=[group])[0]["id"]
        return st.insert("enterprise_visit", {"date": "2026-09-02", "group_id": gid, "enterprise": enterprise})


def export(db: Path, out: Path, pw: Path) -> None:
    code, _, err = run("--db", db, "bundle", "export", "--out", out, "--passphrase-file", pw)
    assert code == 0, err


# -- settings ------------------------------------------------------------------------------------------------------
def test_settings_round_trip_city_to_sub_union(city, sub, tmp_path):
    pw = secret(tmp_path)
    out = tmp_path / "2026年活动设置.lfx"
    code, stdout, err = run("--db", city, "bundle", "settings", "export", "--out", out, "--passphrase-file", pw)
    assert code == 0, err
    assert stdout.splitlines()[0] == f"已导出设置数据包 {out}"
    assert "单位 3 个，工作组 5 个" in stdout and "另行告知" in stdout and PASSPHRASE not in stdout

    before = files_of(sub)
    code, stdout, err = run("--db", sub, "bundle", "settings", "import", out, "--passphrase-file", pw, "--dry-run")
    assert code == 0, err
    assert "试运行" in stdout and "走访企业目标（家）：40 → 60" in stdout and "新增单位 2 个" in stdout
    assert files_of(sub) == before

    code, stdout, err = run("--db", sub, "bundle", "settings", "import", out, "--passphrase-file", pw)
    assert code == 0, err
    assert stdout.startswith(f"已导入设置数据包“{out.name}”（{CITY}，") and "导入前的数据库已备份到" in stdout
    with Store.open(sub) as st, Store.open(city) as c:
        campaign = st.settings.campaign()
        assert (campaign["enterprise_target"], campaign["registration_deadline"]) == (60, "2026-08-18")
        assert (campaign["our_unit"], campaign["our_unit_kind"], campaign["operator"]) == (SUB, "区县总工会", "李丽")
        assert "春风行动" in st.settings.choices()["aid_programme"]
        assert {u["name"] for u in st.rows("unit")} == {CITY, SUB, OTHER}
        assert st.rows("unit", where="name = ?", params=[SUB])[0]["expected"] == 1
        assert {g["name"]: g["id"] for g in st.rows("working_group")} == {
            g["name"]: g["id"] for g in c.rows("working_group")}


def test_settings_import_refused_is_one_error_line(city, sub, tmp_path):
    out = tmp_path / "设置.lfx"
    assert run("--db", city, "bundle", "settings", "export", "--out", out, "--no-encryption")[0] == 0
    visit(sub, "第一工作组")
    with Store.open(sub) as st:
        st.settings.set({"year": 2025})
    before = files_of(sub)
    code, stdout, err = run("--db", sub, "bundle", "settings", "import", out)
    assert code == 2 and stdout == ""
    assert err.strip().splitlines() == [err.strip()] and err.startswith("错误：“设置.lfx”是 2026 年度的设置数据包")
    assert "请先开始新年度" in err
    assert files_of(sub) == before


def test_a_settings_bundle_given_to_a_data_import_names_the_settings_command(city, sub, tmp_path):
    out = tmp_path / "设置.lfx"
    assert run("--db", city, "bundle", "settings", "export", "--out", out, "--no-encryption")[0] == 0
    before = files_of(sub)
    code, stdout, err = run("--db", sub, "bundle", "import", out)
    assert code == 1 and files_of(sub) == before
    assert stdout.strip() == ("未导入：“设置.lfx”是活动设置数据包，不是数据包；"
                              "请用“导入活动设置”（bundle settings import）导入")


def test_a_missing_bundle_file_is_said_in_chinese(sub, tmp_path):
    code, stdout, err = run("--db", sub, "bundle", "import", tmp_path / "没有.lfx")
    assert code != 0 and "“没有.lfx”不存在" in stdout + err and "No such file" not in stdout + err


# -- passphrases ---------------------------------------------------------------------------------------------------
def test_export_without_a_passphrase_off_a_terminal_is_a_usage_error(sub, tmp_path):
    out = tmp_path / "数据包.lfx"
    code, stdout, err = run("--db", sub, "bundle", "export", "--out", out)
    assert code == 2 and stdout == "" and not out.exists()
    assert "--passphrase-file" in err and "--no-encryption" in err and err.startswith("错误：")
    code, _, err = run("--db", sub, "bundle", "export", "--out", out, "--no-encryption",
                       "--passphrase-file", secret(tmp_path))
    assert code == 2 and "只能选一个" in err and not out.exists()
    code, _, err = run("--db", sub, "bundle", "export", "--out", out, "--passphrase-file", secret(tmp_path, "短"))
    assert code == 2 and "数据包口令至少需要 6 个字符" in err and not out.exists()
    code, _, err = run("--db", sub, "bundle", "export", "--out", tmp_path / "数据包.zip", "--no-encryption")
    assert code == 2 and ".lfx" in err


def test_export_prompts_twice_on_a_terminal(terminal, sub, city, tmp_path):
    out = tmp_path / "数据包.lfx"
    code, stdout, err = run("--db", sub, "bundle", "export", "--out", out, input=f"{PASSPHRASE}\n{PASSPHRASE}\n")
    assert code == 0, err
    assert "数据包口令" in err and "再次输入口令" in err and PASSPHRASE not in stdout + err
    assert "另行告知" in stdout
    # imported at the city: no passphrase file, so it is asked for on the terminal
    code, stdout, err = run("--db", city, "bundle", "import", out, input=f"{PASSPHRASE}\n")
    assert code == 0, stdout + err
    assert "“数据包.lfx”的口令" in err and stdout.startswith("“数据包.lfx”")


def test_a_typed_passphrase_is_tried_first_on_the_next_bundle(terminal, city, sub, tmp_path):
    other = office(tmp_path / "江岸区.db", OTHER, "区县总工会", "王五")
    pw = secret(tmp_path)
    export(sub, tmp_path / "青山区.lfx", pw)
    export(other, tmp_path / "江岸区.lfx", pw)
    export(other, tmp_path / "另一口令.lfx", secret(tmp_path, "另一个口令啊啊", "另.txt"))
    code, stdout, err = run("--db", city, "bundle", "import", tmp_path / "青山区.lfx", tmp_path / "江岸区.lfx",
                            tmp_path / "另一口令.lfx", input=f"{PASSPHRASE}\n还是不对的口令\n")
    assert code == 1, stdout + err
    assert err.count("的口令") == 2 and "“江岸区.lfx”的口令" not in err   # asked for the first and the third only
    lines = stdout.splitlines()
    assert lines[0].startswith("“青山区.lfx”") and lines[1].startswith("“江岸区.lfx”")
    assert lines[2].startswith("未导入：") and "口令不正确" in lines[2]


def test_no_encryption_asks_first_on_a_terminal(terminal, sub, tmp_path):
    out = tmp_path / "明文.lfx"
    code, _, err = run("--db", sub, "bundle", "export", "--out", out, "--no-encryption", input="n\n")
    assert code == 130 and "确定不加密吗" in err and not out.exists()
    code, stdout, _ = run("--db", sub, "bundle", "export", "--out", out, "--no-encryption", input="y\n")
    assert code == 0 and out.exists() and "未加密" in stdout
    out.unlink()
    code, _, err = run("--db", sub, "bundle", "export", "--out", out, "--no-encryption", "--yes")
    assert code == 0 and "确定不加密吗" not in err and out.exists()


def test_no_encryption_off_a_terminal_asks_nothing(sub, tmp_path):
    out = tmp_path / "明文.lfx"
    code, stdout, err = run("--db", sub, "bundle", "export", "--out", out, "--no-encryption")
    assert code == 0, err
    assert err == "" and "未加密" in stdout and out.exists()


# -- data bundles --------------------------------------------------------------------------------------------------
def test_export_prints_the_file_and_counts(sub, tmp_path):
    visit(sub, "第一工作组")
    out = tmp_path / "青山区.lfx"
    code, stdout, err = run("--db", sub, "bundle", "export", "--out", out, "--passphrase-file", secret(tmp_path))
    assert code == 0, err
    lines = stdout.splitlines()
    assert lines[0] == f"已导出数据包 {out}"
    assert lines[1].startswith(f"  {SUB}，2026 年度，全部记录 ")
    assert any(line.split() == ["走访企业", "1"] for line in lines)
    code, stdout, _ = run("--db", sub, "bundle", "export", "--out", tmp_path / "新.lfx", "--since", "2026-09-01",
                          "--passphrase-file", secret(tmp_path))
    assert code == 0 and "2026-09-01 以来的记录" in stdout


def test_import_several_one_line_each_and_exit_1_when_any_refused(city, sub, tmp_path):
    pw = secret(tmp_path)
    other = office(tmp_path / "江岸区.db", OTHER, "区县总工会", "王五")
    visit(sub, "第一工作组")
    visit(other, "第二工作组", "江岸纺织厂")
    good, second = tmp_path / "青山区.lfx", tmp_path / "江岸区.lfx"
    export(sub, good, pw)
    export(other, second, pw)
    broken = tmp_path / "截断.lfx"
    broken.write_bytes(good.read_bytes()[:300])
    own = tmp_path / "自己的.lfx"
    export(city, own, pw)
    code, stdout, err = run("--db", city, "bundle", "import", good, broken, own, second, "--passphrase-file", pw)
    assert code == 1, err
    lines = stdout.splitlines()
    assert len(lines) == 4, stdout
    assert lines[0].startswith("“青山区.lfx”") and lines[3].startswith("“江岸区.lfx”")
    assert lines[1].startswith("未导入：") and "截断.lfx" in lines[1] and "不是完整的数据包文件" in lines[1]
    assert lines[2].startswith("未导入：") and "自己的.lfx" in lines[2] and "本数据库自己导出" in lines[2]
    with Store.open(city) as st:
        assert {v["enterprise"] for v in st.rows("enterprise_visit")} == {"青山机床厂", "江岸纺织厂"}
        assert {s["unit"] for s in st.rows("submission")} == {SUB, OTHER}
    # the same bundles again: nothing changes, nothing refused
    code, stdout, _ = run("--db", city, "bundle", "import", good, second, "--passphrase-file", pw)
    assert code == 0 and stdout.count("已导入过") == 2


def test_a_wrong_passphrase_refuses_that_file_only(city, sub, tmp_path):
    out = tmp_path / "青山区.lfx"
    export(sub, out, secret(tmp_path))
    before = files_of(city)
    code, stdout, _ = run("--db", city, "bundle", "import", out, "--passphrase-file",
                          secret(tmp_path, "另一个口令啊啊啊", "错的.txt"))
    lines = stdout.splitlines()
    assert code == 1 and len(lines) == 1 and lines[0].startswith("未导入：") and "青山区.lfx" in lines[0]
    assert "口令不正确" in lines[0]
    code, stdout, _ = run("--db", city, "bundle", "import", out)   # off a terminal: no prompt, refused
    assert code == 1 and "口令" in stdout
    assert files_of(city) == before


def test_dry_run_writes_nothing(city, sub, tmp_path):
    visit(sub, "第一工作组")
    out = tmp_path / "青山区.lfx"
    export(sub, out, secret(tmp_path))
    before = files_of(city)
    code, stdout, err = run("--db", city, "bundle", "import", out, "--passphrase-file", secret(tmp_path),
                            "--dry-run")
    assert code == 0, err
    assert len(stdout.splitlines()) == 1 and stdout.startswith("“青山区.lfx”") and "未写入" in stdout
    assert files_of(city) == before
    with Store.open(city) as st:
        assert st.count("enterprise_visit") == 0 and st.count("submission") == 0


def test_conflicts_refuse_the_file_until_decided(city, sub, tmp_path, monkeypatch):
    pw = secret(tmp_path)
    vid = visit(sub, "第一工作组")
    first = tmp_path / "第一次.lfx"
    export(sub, first, pw)
    assert run("--db", city, "bundle", "import", first, "--passphrase-file", pw)[0] == 0
    real_now = store_module.now_iso
    for path, note, at in ((city, "市总核实：职工 300 人", "10:00"), (sub, "区里补充：职工 320 人", "10:05")):
        # both edits later than the import (updated_at has whole seconds; the test runs within one)
        monkeypatch.setattr(store_module, "now_iso", lambda at=at: f"2026-12-31T{at}:00+08:00")
        with Store.open(path) as st:
            st.update("enterprise_visit", vid, {"note": note})
    monkeypatch.setattr(store_module, "now_iso", real_now)
    second = tmp_path / "第二次.lfx"
    export(sub, second, pw)
    before = files_of(city)
    code, stdout, _ = run("--db", city, "bundle", "import", second, "--passphrase-file", pw)
    assert code == 1
    assert stdout.startswith("未导入：") and "第二次.lfx" in stdout and "1" in stdout
    assert "--on-conflict" in stdout and "窗口" in stdout
    assert files_of(city) == before
    code, stdout, err = run("--db", city, "bundle", "import", second, "--passphrase-file", pw,
                            "--on-conflict", "theirs")
    assert code == 0, stdout + err
    with Store.open(city) as st:
        assert st.get("enterprise_visit", vid)["note"] == "区里补充：职工 320 人"
    code, _, err = run("--db", city, "bundle", "import", second, "--on-conflict", "both")
    assert code == 2 and "mine" in err


def test_settings_down_then_data_up_lands_on_the_citys_groups(city, sub, tmp_path):
    pw = secret(tmp_path)
    settings = tmp_path / "设置.lfx"
    assert run("--db", city, "bundle", "settings", "export", "--out", settings, "--passphrase-file", pw)[0] == 0
    early = visit(sub, "第一工作组", "先走访的企业")   # before the settings came: re-pointed on import
    assert run("--db", sub, "bundle", "settings", "import", settings, "--passphrase-file", pw)[0] == 0
    later = visit(sub, "第五工作组", "后走访的企业")
    data = tmp_path / "青山区.lfx"
    export(sub, data, pw)
    code, stdout, err = run("--db", city, "bundle", "import", data, "--passphrase-file", pw)
    assert code == 0, stdout + err
    with Store.open(city) as st:
        groups = {g["id"]: g["name"] for g in st.rows("working_group")}
        assert len(groups) == 5   # no second 第一工作组
        assert groups[st.get("enterprise_visit", early)["group_id"]] == "第一工作组"
        assert groups[st.get("enterprise_visit", later)["group_id"]] == "第五工作组"
        assert st.get("enterprise_visit", early)["unit"] == SUB


def test_help_names_every_command():
    code, stdout, _ = run("bundle", "--help")
    assert code == 0 and all(word in stdout for word in ("export", "import", "settings", "口令"))
    code, stdout, _ = run("bundle", "settings", "--help")
    assert code == 0 and "export" in stdout and "import" in stdout
    assert "--passphrase-file" in run("bundle", "import", "--help")[1]


def test_a_bundle_is_a_zip_with_a_manifest(sub, tmp_path):
    out = tmp_path / "明文.lfx"
    assert run("--db", sub, "bundle", "export", "--out", out, "--no-encryption")[0] == 0
    with zipfile.ZipFile(out) as z:
        assert "manifest.json" in z.namelist()
