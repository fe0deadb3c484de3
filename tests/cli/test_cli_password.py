"""The CLI and the office's password (issue 19): --password-file on the group (never a password on the command
line), `password set|change|recover|status|forget|remember`, the recovery key printed once, --full refused while
the sensitive values are locked."""
import click
import pytest

from leifeng_desktop import cli
from leifeng_desktop.core import crypto, vault
from leifeng_desktop.core.store import Store


@pytest.fixture(autouse=True)
def fast_scrypt(monkeypatch):
    real = crypto.password_key
    monkeypatch.setattr(crypto, "password_key", lambda pw, salt, n=0, r=8, p=1: real(pw, salt, n=2**10, r=r, p=p))


@pytest.fixture
def db(tmp_path, fake_id):
    path = tmp_path / "台账.db"
    with Store.open(path) as st:
        household = st.insert("household", {"name": "李四", "id_number": fake_id(), "income": 86000})
        st.insert("aid", {"date": "2026-03-01", "household_id": household, "programme": "送温暖", "amount": 50000})
    return path


def secret(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text + "\n", encoding="utf-8")
    return path


def run(capsys, *args):
    code = cli.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_no_password_option_takes_the_password_itself():
    names = {o for p in cli.cli.params for o in p.opts}
    assert "--password-file" in names and "--password" not in names


def test_set_prints_the_recovery_key_once_and_forget_locks(db, tmp_path, capsys, fake_id):
    pw = secret(tmp_path, "pw.txt", "办公室的密码")
    code, out, _ = run(capsys, "--db", db, "password", "set", "--new-password-file", pw)
    assert code == 0
    recovery = out.splitlines()[1]
    assert crypto.normal_recovery_key(recovery) and "办公室的密码" not in out
    code, out, err = run(capsys, "--db", db, "password", "set", "--new-password-file", pw)
    assert code == 2 and "password change" in err and recovery not in out
    assert run(capsys, "--db", db, "password", "forget")[0] == 0
    code, out, _ = run(capsys, "--db", db, "password", "status")
    assert code == 0 and "已解锁：否" in out
    code, out, _ = run(capsys, "--db", db, "--password-file", pw, "password", "status")
    assert code == 0 and "已解锁：是" in out
    with Store.open(db) as st:
        assert st.locked


def test_a_wrong_password_file_is_one_error_line(db, tmp_path, capsys):
    pw = secret(tmp_path, "pw.txt", "办公室的密码")
    run(capsys, "--db", db, "password", "set", "--new-password-file", pw)
    run(capsys, "--db", db, "password", "forget")
    code, _, err = run(capsys, "--db", db, "--password-file", secret(tmp_path, "bad.txt", "不对的密码啊"),
                       "password", "status")
    assert code == 2 and err.strip().splitlines() == [f"错误：“{db.name}”的密码不正确（还可再试 4 次）"]
    code, _, err = run(capsys, "--db", db, "--password-file", tmp_path / "没有.txt", "password", "status")
    assert code == 2 and "密码文件" in err and "不存在" in err


def test_change_then_the_old_password_no_longer_opens(db, tmp_path, capsys):
    old, new = secret(tmp_path, "old.txt", "旧的密码123"), secret(tmp_path, "new.txt", "新的密码456")
    run(capsys, "--db", db, "password", "set", "--new-password-file", old)
    code, out, _ = run(capsys, "--db", db, "--password-file", old, "password", "change", "--new-password-file", new)
    assert code == 0 and "已修改" in out
    run(capsys, "--db", db, "password", "forget")
    assert run(capsys, "--db", db, "--password-file", old, "password", "status")[0] == 2
    assert "已解锁：是" in run(capsys, "--db", db, "--password-file", new, "password", "status")[1]


def test_recover_with_the_printed_key_and_prompts_hide_input(db, tmp_path, capsys, monkeypatch):
    pw = secret(tmp_path, "pw.txt", "忘记了的密码")
    recovery = run(capsys, "--db", db, "password", "set", "--new-password-file", pw)[1].splitlines()[1]
    run(capsys, "--db", db, "password", "forget")
    asked = []

    def prompt(text, **kw):
        asked.append((text, kw.get("hide_input")))
        return recovery if text == "恢复密钥" else "从提示输入的密码"
    monkeypatch.setattr(click, "prompt", prompt)
    code, out, _ = run(capsys, "--db", db, "password", "recover")
    assert code == 0 and "新密码" in out
    assert [t for t, _ in asked] == ["恢复密钥", "新密码"] and all(hidden for _, hidden in asked)
    with Store.open(db, password="从提示输入的密码") as st:
        assert not st.locked and st.rows("household")[0]["income"] == 86000


def test_full_numbers_are_refused_while_locked(db, tmp_path, capsys):
    pw = secret(tmp_path, "pw.txt", "办公室的密码")
    run(capsys, "--db", db, "password", "set", "--new-password-file", pw)
    run(capsys, "--db", db, "password", "forget")
    code, _, err = run(capsys, "--db", db, "export", "ledger", "aid", "--full", "--out", tmp_path / "a.xlsx")
    assert code == 2 and "已加密" in err and not (tmp_path / "a.xlsx").exists()
    code, _, err = run(capsys, "--db", db, "export", "ledger", "aid", "--out", tmp_path / "b.xlsx")
    assert code == 0 and (tmp_path / "b.xlsx").exists()   # masked: what a locked file can give
    code, _, err = run(capsys, "--db", db, "--password-file", pw, "export", "ledger", "aid", "--full",
                       "--out", tmp_path / "c.xlsx")
    assert code == 0 and (tmp_path / "c.xlsx").exists()
    with Store.open(db, password="办公室的密码") as st:
        assert vault.state(st).has_password
