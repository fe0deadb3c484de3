"""`new-year --out NEW.db [--year N]`: the next year's file; the old file and an existing --out stay as they were."""
from __future__ import annotations

from pathlib import Path

import pytest

from leifeng_desktop.core import service_record as sr
from leifeng_desktop.core.store import Store

from cli_helpers import assert_one_error_line, files_of, run, text


@pytest.fixture
def old_db(tmp_path) -> Path:
    path = tmp_path / "台账2026.db"
    with Store.open(path) as st:
        st.settings.set({"year": 2026, "registration_deadline": "2026-08-25", "summary_deadline": "2026-02-28"})
        team = st.insert("team", {"name": "供电公司职工志愿服务队", "kind": st.settings.choices()["team_kind"][0],
                                  "unit": "XX市供电公司工会", "leader": "王建国", "leader_phone": "13812345678"})
        member = st.insert("member", {"team_id": team, "name": "张伟"})
        sr.save_activity(st, None, {"title": "义诊", "starts_at": "2026-09-01T09:00", "ends_at": "2026-09-01T11:00",
                                    "category": "便民利民", "team_id": team}, [{"member_id": member, "minutes": 90}])
    return path


def test_new_year_writes_the_next_years_file(old_db, tmp_path):
    before = files_of(old_db)
    out = tmp_path / "学雷锋志愿服务_2028.db"
    done = run("--db", str(old_db), "new-year", "--out", str(out), "--year", "2028")
    assert done.returncode == 0, text(done.stderr)
    assert text(done.stderr) == ""
    lines = text(done.stdout).splitlines()
    assert lines[0] == f"已生成2028年度的数据库 {out}"
    assert "  志愿服务队 1 条，队员 1 条" in lines
    assert "    服务队成立及登记表报送截止：2026-08-25 → 2028-08-25" in lines
    assert "  志愿服务活动 1 条，参加人员 1 条，附件 0 条" in lines
    assert files_of(old_db)[""] == before[""]
    with Store.open(out, create=False, read_only=True) as st:
        assert st.settings.campaign()["year"] == 2028 and st.count("team") == 1 and st.count("activity") == 0
        assert st.settings.campaign()["summary_deadline"] == "2028-02-28"


def test_new_year_refuses_an_existing_out(old_db, tmp_path):
    out = tmp_path / "2027.db"
    out.write_bytes(b"not to be replaced")
    done = run("--db", str(old_db), "new-year", "--out", str(out))
    assert done.returncode == 2
    assert_one_error_line(text(done.stderr), "2027.db", "已存在", "不会覆盖")
    assert out.read_bytes() == b"not to be replaced"


def test_new_year_refuses_a_missing_database_and_a_wrong_year(old_db, tmp_path):
    done = run("--db", str(tmp_path / "nope.db"), "new-year", "--out", str(tmp_path / "n.db"))
    assert done.returncode == 2
    assert_one_error_line(text(done.stderr), "nope.db", "不存在")
    done = run("--db", str(old_db), "new-year", "--out", str(tmp_path / "n.db"), "--year", "2026")
    assert done.returncode == 2
    assert_one_error_line(text(done.stderr), "台账2026.db", "不能是 2026 年")
    done = run("--db", str(old_db), "new-year", "--out", str(tmp_path / "n.xlsx"))
    assert done.returncode == 2
    assert_one_error_line(text(done.stderr), ".db")
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(("-wal", "-shm"))) == ["台账2026.db"]
