"""`init`: sets a database up as the window's wizard does, refuses a set-up one without --force; `demo` refuses a
file with the clerk's records without --force."""
from leifeng_desktop import cli
from leifeng_desktop.core.first_run import is_set_up
from leifeng_desktop.core.store import Store

from cli_helpers import assert_one_error_line, files_of

ARGS = ["init", "--city", "广州市", "--unit", "越秀区总工会", "--level", "区县总工会", "--operator", "王芳",
        "--year", "2027"]


def test_init_sets_a_new_database_up(tmp_path, capsys):
    db = tmp_path / "台账.db"
    assert cli.main(["--db", str(db), *ARGS, "--leader", "李明", "--phone", "020-88888888"]) == 0
    assert "已设置数据库" in capsys.readouterr().out
    with Store.open(db) as st:
        c = st.settings.campaign()
        assert (c["city"], c["our_unit"], c["our_unit_kind"], c["operator"], c["leader"], c["contact_phone"]) == \
            ("广州市", "越秀区总工会", "区县总工会", "王芳", "李明", "020-88888888")
        assert (c["year"], c["registration_deadline"], c["addressee"]) == (2027, "2027-08-25", "广州市总工会")
        assert is_set_up(st) and st.is_empty(), "no demo record in a set-up file"


def test_init_refuses_a_second_time_and_leaves_the_file(tmp_path, capsys):
    db = tmp_path / "台账.db"
    assert cli.main(["--db", str(db), *ARGS]) == 0
    before = files_of(db)
    capsys.readouterr()
    assert cli.main(["--db", str(db), *ARGS[:2], "深圳市", *ARGS[3:]]) == 2
    assert_one_error_line(capsys.readouterr().err, "已设置过", "--force")
    assert files_of(db) == before
    assert cli.main(["--db", str(db), *ARGS[:2], "深圳市", *ARGS[3:], "--force"]) == 0
    with Store.open(db) as st:
        assert st.settings.campaign()["city"] == "深圳市"


def test_init_refuses_a_file_with_records(tmp_path, capsys, team_values):
    db = tmp_path / "旧.db"
    with Store.open(db) as st:
        st.insert("team", team_values)
    assert cli.main(["--db", str(db), *ARGS]) == 2
    assert_one_error_line(capsys.readouterr().err, "已设置过")


def test_a_refused_init_leaves_no_new_file(tmp_path, capsys):
    db = tmp_path / "新.db"
    assert cli.main(["--db", str(db), "init", "--city=", "--unit", "甲", "--level", "基层工会"]) == 2
    assert_one_error_line(capsys.readouterr().err, "请填写城市名称", str(db))
    assert list(tmp_path.iterdir()) == []


def test_demo_refuses_the_clerks_records_unless_forced(tmp_path, capsys, team_values):
    db = tmp_path / "台账.db"
    with Store.open(db) as st:
        st.insert("team", team_values)
    before = files_of(db)
    assert cli.main(["--db", str(db), "demo"]) == 2
    assert_one_error_line(capsys.readouterr().err, "已有录入的记录", "--force")
    assert files_of(db) == before
    assert cli.main(["--db", str(db), "demo", "--force"]) == 0
    with Store.open(db) as st:
        assert st.count("team") > 1


def test_demo_loads_into_a_set_up_empty_file(tmp_path, capsys):
    db = tmp_path / "示例.db"
    assert cli.main(["--db", str(db), *ARGS]) == 0
    assert cli.main(["--db", str(db), "demo"]) == 0
