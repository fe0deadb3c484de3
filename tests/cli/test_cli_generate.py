"""`generate`: counts per table printed, a file with records refused in one line and left untouched, bad options."""
from leifeng_desktop import cli
from leifeng_desktop.core.generate import SCALES
from leifeng_desktop.core.store import Store

from cli_helpers import files_of


def test_generate_demo_scale_prints_the_counts(tmp_path, capsys):
    db = tmp_path / "g.db"
    assert cli.main(["--db", str(db), "generate", "--scale", "demo", "--seed", "5"]) == 0
    out = capsys.readouterr().out
    assert f"已在 {db} 中生成 demo 规模的测试数据" in out
    summary = out.split("测试数据（用时")[1].splitlines()[1:]
    lines = {line.split()[0]: line.split()[-1] for line in summary}
    assert lines["队员"] == str(SCALES["demo"]["member"])
    assert lines["参加人员"] == str(SCALES["demo"]["participant"])
    assert "已写入志愿服务活动" in out   # progress, table by table
    with Store.open(db) as store:
        assert store.count("member") == SCALES["demo"]["member"]


def test_generate_refuses_a_file_with_records(tmp_path, capsys):
    db = tmp_path / "d.db"
    with Store.open(db) as store:
        kind = store.settings.choices()["team_kind"][0]
        store.insert("team", {"name": "自己的队", "kind": kind, "unit": store.our_unit(), "leader": "张三",
                              "leader_phone": "13812345678"})
    before = files_of(db)
    assert cli.main(["--db", str(db), "generate", "--scale", "demo"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("错误：") and str(db) in err[0] and "--force" in err[0]
    assert files_of(db) == before


def test_generate_refuses_an_unknown_scale(tmp_path, capsys):
    db = tmp_path / "x.db"
    assert cli.main(["--db", str(db), "generate", "--scale", "country"]) == 2
    err = capsys.readouterr().err
    assert "--scale" in err and "city" in err and "Traceback" not in err
    assert not db.exists()


def test_generate_help_names_the_scales(capsys):
    assert cli.main(["generate", "--help"]) == 0
    out = capsys.readouterr().out
    assert "--scale" in out and "district" in out and "--force" in out
