"""Golden outputs of every CLI command: what the clerk sees (stdout, stderr, exit code) and which files appear or
change, compared with tests/cli/golden/<case>.txt.

Recorded against the argparse CLI before it became a click package, so the rewrite keeps every message, output and
exit code. Three comparison modes:
- exact: stdout, stderr, exit code and the file changes as recorded;
- help: the exit code, and every word of Chinese text of the recorded help (a run without spaces) appears in the
  new help with whitespace removed (the layout is click's now, the wording stays);
- usage: exit 2, nothing on stdout, the last stderr line starts with 错误： and names the same --options (argparse's
  own messages were English).
Paths are written as <W> (the case's work folder); today's date, the schema and program versions are placeholders.
Regenerate after a deliberate change with LEIFENG_GOLDEN_UPDATE=1 and commit the changed files on their own.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from stdnum.cn import ric

from leifeng_desktop import __version__, cli
from leifeng_desktop.core import migrations as mig
from leifeng_desktop.core import service_record as sr
from leifeng_desktop.core import visits as v
from leifeng_desktop.core.demo import load_demo
from leifeng_desktop.core.store import Store, default_db_path

GOLDEN = Path(__file__).with_name("golden")
UPDATE = bool(os.environ.get("LEIFENG_GOLDEN_UPDATE"))
TEAM, WATER = "供电公司职工志愿服务队", "自来水公司职工志愿服务队"
POWER = "XX市供电公司工会"


def rid(seq: int, birth: str = "19850312") -> str:
    body = f"110101{birth}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


# -- the inputs every case finds in its work folder --------------------------------------------------------------
def _small_db(path: Path) -> None:
    """Three teams (two share a name), two volunteers called 张伟, activities, visits, a household with aid."""
    with Store.open(path) as st:
        st.settings.set({"year": 2026})
        team = {"name": TEAM, "kind": st.settings.choices()["team_kind"][0], "unit": POWER, "leader": "王建国",
                "leader_phone": "13812345678", "categories": ["扶老助残", "便民利民"], "service_forms": ["上门服务"],
                "founded_on": "2026-08-01"}
        first = st.insert("team", team, unit=POWER)
        second = st.insert("team", {**team, "name": WATER, "unit": "XX市自来水公司工会"})
        st.insert("team", {**team, "name": "同名服务队", "unit": "甲单位工会"})
        st.insert("team", {**team, "name": "同名服务队", "unit": "乙单位工会"})
        a = st.insert("member", {"team_id": first, "name": "张伟", "id_number": rid(1), "phone": "13912345678"})
        b = st.insert("member", {"team_id": second, "name": "张伟"})
        for n, (day, who, team_id) in enumerate([("2026-08-30", a, first), ("2026-09-05", a, first),
                                                 ("2026-10-01", a, first), ("2026-09-10", b, second)]):
            sr.save_activity(st, None, {"title": f"活动{n}", "starts_at": f"{day}T09:00", "ends_at": f"{day}T11:00",
                                        "category": "便民利民", "team_id": team_id},
                             [{"member_id": who, "minutes": 90}])
        g = st.rows("working_group")[0]["id"]
        v.save_enterprise_visit(st, None, {"date": "2026-05-10", "group_id": g, "enterprise": "甲公司"},
                                [{"content": "加班费", "status": "已办结"}, {"content": "食堂"}])
        v.save_enterprise_visit(st, None, {"date": "2025-05-10", "group_id": g, "enterprise": "乙公司"}, [])
        hh = st.insert("household", {"name": "张三", "id_number": rid(2)})
        st.insert("aid", {"household_id": hh, "date": "2026-01-20", "programme": "送温暖", "amount": 80010})
        st.insert("aid", {"household_id": hh, "date": "2025-01-20", "programme": "送温暖", "amount": 5})


def _book(path: Path, header: list, rows: list[list]) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["名单"])
    wb.active.append(header)
    for row in rows:
        wb.active.append(row)
    wb.save(path)


def _fk_db(path: Path) -> None:
    """A member whose team is gone: what the integrity check must find."""
    import sqlite3
    Store.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("INSERT INTO member (id, unit, created_at, updated_at, team_id, name) "
                 "VALUES ('m1', 'XX市总工会', 'now', 'now', 'no-such-team', '张三')")
    conn.commit()
    conn.close()


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("golden_inputs")
    with Store.open(base / "demo.db") as st:
        st.settings.set({"year": 2026, "registration_deadline": "2026-08-25", "plan_deadline": "2026-08-31"})
        load_demo(st, seed=2026)
    _small_db(base / "small.db")
    _fk_db(base / "fk.db")
    member_header = ["姓名", "性别", "联系电话", "身份证号", "备注2"]
    good = [["张三", "男", "13812345678", rid(991)], ["李四", "女", 13900001111, None]]
    bad = [["王五", "男的", "13700000000", None], ["赵六", "男", "12345", rid(993, "19800101")[:-1] + "0"]]
    _book(base / "members_good.xlsx", member_header, good)
    _book(base / "members_mixed.xlsx", member_header, good + bad)
    _book(base / "households.xlsx", ["姓名", "身份证号", "家庭月人均收入"],
          [["李四", rid(3), "650.5"], ["王五", None, 300], ["重复", rid(2), 1], ["坏", None, "1.005"]])
    (base / "notes.db").write_text("这不是数据库\n" * 50, encoding="utf-8")
    (base / "empty.db").write_bytes(b"")
    (base / "old.xls").write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + "Workbook".encode("utf-16-le"))
    (base / "encrypted.xlsx").write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 100)
    for path in base.iterdir():   # no WAL left beside the copies
        assert not path.name.endswith(("-wal", "-shm")), path
    return base


# -- the cases: name, argv ({w} is the work folder), mode ------------------------------------------------------
HELP = ["", "init", "demo", "check", "import", "import members", "import households", "import template", "export",
        "export registration", "export certificate", "export ledger", "export ledger activities",
        "export ledger visits", "export ledger aid", "export summary", "export plan", "stats", "backup", "backups",
        "restore"]
CASES: list[tuple[str, str, str]] = [
    *[(f"help_{h.replace(' ', '_') or 'main'}", f"{h} --help".strip(), "help") for h in HELP],
    ("version", "--version", "exact"),
    # demo and check
    ("demo_new", "--db {w}/new.db demo", "exact"),
    ("demo_seed", "--db {w}/new.db demo --seed 7", "exact"),
    ("demo_again", "--db {w}/demo.db demo", "exact"),
    ("demo_not_sqlite", "--db {w}/notes.db demo", "exact"),
    # init
    ("init_new", "--db {w}/新建/台账.db init --city 广州市 --unit 越秀区总工会 --level 区县总工会 --operator 王芳 "
                 "--year 2027", "exact"),
    ("init_city", "--db {w}/市.db init --city 杭州市 --unit 杭州市总工会 --level 市总工会 --leader 李明 "
                  "--phone 0571-88888888 --year 2026", "exact"),
    ("init_again", "--db {w}/small.db init --city 广州市 --unit 越秀区总工会 --level 基层工会", "exact"),
    ("init_empty_city", "--db {w}/new.db init --city= --unit 越秀区总工会 --level 基层工会", "exact"),
    ("init_bad_level", "--db {w}/new.db init --city 广州市 --unit 越秀区总工会 --level 村委会", "usage"),
    ("init_no_unit", "--db {w}/new.db init --city 广州市 --level 基层工会", "usage"),
    ("check_demo", "--db {w}/demo.db check", "exact"),
    ("check_small", "--db {w}/small.db check", "exact"),
    ("check_missing", "--db {w}/none.db check", "exact"),
    ("check_zero_bytes", "--db {w}/empty.db check", "exact"),
    ("check_not_sqlite", "--db {w}/notes.db check", "exact"),
    ("check_folder", "--db {w} check", "exact"),
    ("check_problems", "--db {w}/fk.db check", "exact"),
    # stats
    ("stats_plain", "--db {w}/demo.db stats --today 2026-08-27", "exact"),
    ("stats_json", "--db {w}/demo.db stats --json --today 2026-08-27", "exact"),
    ("stats_unit", f"--db {{w}}/demo.db stats --unit {POWER} --today 2026-08-27", "exact"),
    ("stats_year", "--db {w}/demo.db stats --year 2025 --today 2026-08-27", "exact"),
    ("stats_small", "--db {w}/small.db stats --today 2026-12-31", "exact"),
    ("stats_bad_year", "--db {w}/demo.db stats --year 1999", "exact"),
    ("stats_bad_today", "--db {w}/demo.db stats --today 2026-13-01", "exact"),
    ("stats_unknown_unit", "--db {w}/demo.db stats --unit 没有的单位", "exact"),
    ("stats_missing_db", "--db {w}/none.db stats", "exact"),
    ("stats_zero_bytes", "--db {w}/empty.db stats --today 2026-08-27", "exact"),
    ("stats_year_not_int", "--db {w}/demo.db stats --year abc", "usage"),
    # import template
    ("template_members_no_db", "--db {w}/none.db import template members --out {w}/out/模板.xlsx", "exact"),
    ("template_households", "--db {w}/demo.db import template households --out {w}/out/困难职工模板.xlsx", "exact"),
    ("template_bad_suffix", "--db {w}/demo.db import template members --out {w}/out/模板.xls", "exact"),
    ("template_exists", "--db {w}/demo.db import template members --out {w}/members_good.xlsx", "exact"),
    ("template_not_importable", "--db {w}/demo.db import template activities --out {w}/x.xlsx", "usage"),
    # import members
    ("members_good", f"--db {{w}}/small.db import members --team {TEAM} {{w}}/members_good.xlsx", "exact"),
    ("members_mixed", f"--db {{w}}/small.db import members --team {TEAM} {{w}}/members_mixed.xlsx", "exact"),
    ("members_dry_run", f"--db {{w}}/small.db import members --team {TEAM} --dry-run {{w}}/members_mixed.xlsx",
     "exact"),
    ("members_unknown_team", "--db {w}/small.db import members --team 供电公司 {w}/members_good.xlsx", "exact"),
    ("members_team_in_other_unit",
     f"--db {{w}}/small.db import members --team {TEAM} --unit 丙单位工会 {{w}}/members_good.xlsx", "exact"),
    ("members_ambiguous_team", "--db {w}/small.db import members --team 同名服务队 {w}/members_good.xlsx", "exact"),
    ("members_team_and_unit",
     "--db {w}/small.db import members --team 同名服务队 --unit 乙单位工会 {w}/members_good.xlsx", "exact"),
    ("members_missing_file", f"--db {{w}}/small.db import members --team {TEAM} {{w}}/none.xlsx", "exact"),
    ("members_xls", f"--db {{w}}/small.db import members --team {TEAM} {{w}}/old.xls", "exact"),
    ("members_encrypted", f"--db {{w}}/small.db import members --team {TEAM} {{w}}/encrypted.xlsx", "exact"),
    ("members_missing_db", f"--db {{w}}/none.db import members --team {TEAM} {{w}}/members_good.xlsx", "exact"),
    ("members_no_team", "--db {w}/small.db import members {w}/members_good.xlsx", "usage"),
    ("import_nothing", "--db {w}/small.db import", "usage"),
    # import households
    ("households_dry_run", "--db {w}/small.db import households {w}/households.xlsx --dry-run", "exact"),
    ("households", "--db {w}/small.db import households {w}/households.xlsx", "exact"),
    ("households_no_file", "--db {w}/small.db import households", "usage"),
    # export registration
    ("registration_all", "--db {w}/demo.db export registration --all --out {w}/out/登记表", "exact"),
    ("registration_one", f"--db {{w}}/small.db export registration --team {TEAM} --out {{w}}/out/登记表.docx",
     "exact"),
    ("registration_one_full",
     f"--db {{w}}/small.db export registration --team {TEAM} --out {{w}}/out/登记表 --full", "exact"),
    ("registration_ambiguous", "--db {w}/small.db export registration --team 同名服务队 --out {w}/out", "exact"),
    ("registration_unit_alone", f"--db {{w}}/small.db export registration --all --unit {POWER} --out {{w}}/out",
     "exact"),
    ("registration_all_as_docx", "--db {w}/small.db export registration --all --out {w}/out/x.docx", "exact"),
    ("registration_unknown_team", "--db {w}/small.db export registration --team 没有这个队 --out {w}/out", "exact"),
    ("registration_no_teams", "--db {w}/fk.db export registration --all --out {w}/out", "exact"),
    ("registration_missing_db", "--db {w}/none.db export registration --all --out {w}/out", "exact"),
    ("registration_neither", "--db {w}/small.db export registration --out {w}/out", "usage"),
    ("registration_both", f"--db {{w}}/small.db export registration --all --team {TEAM} --out {{w}}/out", "usage"),
    # export certificate
    ("certificate", f"--db {{w}}/small.db export certificate --member 张伟 --team {TEAM} --from 2026-09-01 "
                    "--out {w}/out/证明/张伟.docx", "exact"),
    ("certificate_full", f"--db {{w}}/small.db export certificate --member 张伟 --team {TEAM} "
                         "--out {w}/out/张伟.docx --full", "exact"),
    ("certificate_shared_name", "--db {w}/small.db export certificate --member 张伟 --out {w}/out/x.docx", "exact"),
    ("certificate_unknown", "--db {w}/small.db export certificate --member 李四 --out {w}/out/x.docx", "exact"),
    ("certificate_unknown_team",
     "--db {w}/small.db export certificate --member 张伟 --team 没有这个队 --out {w}/out/x.docx", "exact"),
    ("certificate_bad_date", f"--db {{w}}/small.db export certificate --member 张伟 --team {TEAM} "
                             "--from 2026-9-1x --out {w}/out/x.docx", "exact"),
    ("certificate_reversed", f"--db {{w}}/small.db export certificate --member 张伟 --team {TEAM} "
                             "--from 2026-10-01 --to 2026-09-01 --out {w}/out/x.docx", "exact"),
    ("certificate_unit_alone",
     f"--db {{w}}/small.db export certificate --member 张伟 --unit {POWER} --out {{w}}/out/x.docx", "exact"),
    ("certificate_pdf", f"--db {{w}}/small.db export certificate --member 张伟 --team {TEAM} --out {{w}}/out/x.pdf",
     "exact"),
    ("certificate_no_member", "--db {w}/small.db export certificate --out {w}/out/x.docx", "usage"),
    # export ledger
    ("ledger_activities", "--db {w}/small.db export ledger activities --out {w}/out/活动台账.xlsx", "exact"),
    ("ledger_activities_period", f"--db {{w}}/small.db export ledger activities --from 2026-09-01 --to 2026-09-30 "
                                 f"--team {WATER} --out {{w}}/out/活动台账.xlsx", "exact"),
    ("ledger_activities_docx", "--db {w}/small.db export ledger activities --out {w}/out/x.docx", "exact"),
    ("ledger_activities_demo", "--db {w}/demo.db export ledger activities --out {w}/out/活动台账.xlsx", "exact"),
    ("ledger_visits", "--db {w}/small.db export ledger visits --year 2026 --out {w}/out/台账/走访.xlsx", "exact"),
    ("ledger_visits_all", "--db {w}/small.db export ledger visits --out {w}/out/走访.xlsx", "exact"),
    ("ledger_aid", "--db {w}/small.db export ledger aid --year 2026 --out {w}/out/帮扶.xlsx", "exact"),
    ("ledger_aid_full", "--db {w}/small.db export ledger aid --out {w}/out/帮扶.xlsx --full", "exact"),
    ("ledger_aid_bad_year", "--db {w}/small.db export ledger aid --year 26 --out {w}/out/x.xlsx", "exact"),
    ("ledger_visits_docx", "--db {w}/small.db export ledger visits --out {w}/out/x.docx", "exact"),
    ("ledger_missing_db", "--db {w}/none.db export ledger aid --out {w}/out/a.xlsx", "exact"),
    ("ledger_zero_bytes", "--db {w}/empty.db export ledger aid --out {w}/out/a.xlsx", "exact"),
    ("ledger_nothing", "--db {w}/small.db export ledger --out {w}/out/x.xlsx", "usage"),
    ("ledger_year_not_int", "--db {w}/small.db export ledger visits --year abc --out {w}/out/x.xlsx", "usage"),
    # export summary and plan
    ("summary", "--db {w}/demo.db export summary --from 2026-01-01 --to 2026-12-31 --today 2026-12-20 "
                "--out {w}/out/总结.docx", "exact"),
    ("summary_unit", f"--db {{w}}/demo.db export summary --unit {POWER} --today 2026-12-20 "
                     "--out {w}/out/总结.docx", "exact"),
    ("summary_txt", "--db {w}/demo.db export summary --out {w}/out/x.txt", "exact"),
    ("summary_unknown_unit", "--db {w}/demo.db export summary --unit 没有的单位 --out {w}/out/x.docx", "exact"),
    ("summary_two_years", "--db {w}/demo.db export summary --from 2025-12-01 --to 2026-01-05 "
                          "--out {w}/out/x.docx", "exact"),
    ("summary_missing_picture", "--db {w}/demo.db export summary --picture {w}/none.png --today 2026-12-20 "
                                "--out {w}/out/x.docx", "exact"),
    ("summary_bad_today", "--db {w}/demo.db export summary --today 20261220 --out {w}/out/x.docx", "exact"),
    ("plan", f"--db {{w}}/demo.db export plan --unit {POWER} --today 2026-08-20 --out {{w}}/out/实施方案.docx",
     "exact"),
    ("plan_default_unit", "--db {w}/demo.db export plan --today 2026-08-20 --out {w}/out/实施方案.docx", "exact"),
    ("plan_unknown_unit", "--db {w}/demo.db export plan --unit 没有的单位 --out {w}/out/x.docx", "exact"),
    ("plan_no_out", "--db {w}/demo.db export plan", "usage"),
    # usage errors
    ("unknown_command", "no-such-command", "usage"),
    ("export_nothing", "--db {w}/small.db export", "usage"),
    ("demo_seed_not_int", "--db {w}/new.db demo --seed x", "usage"),
]


# -- running and recording --------------------------------------------------------------------------------------
def _tree(folder: Path) -> dict[str, str]:
    """Every file under the folder → its digest; the files of a `<stem>.附件` folder count as one entry."""
    out: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_dir():
            continue
        rel = path.relative_to(folder).as_posix()
        top = rel.split("/")[0]
        if top.endswith(".附件") and "/" in rel:
            out[f"{top}/ (attachments)"] = out.get(f"{top}/ (attachments)", "") + rel
            continue
        out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _changes(before: dict[str, str], after: dict[str, str]) -> list[str]:
    lines = [f"+ {k}" for k in after if k not in before]
    lines += [f"~ {k}" for k in after if k in before and before[k] != after[k]]
    lines += [f"- {k}" for k in before if k not in after]
    return sorted(lines, key=lambda line: line[2:])


def _loose(path: Path) -> str:
    """A pattern for the path that also matches it wrapped over lines in a help text."""
    return r"\s*".join(map(re.escape, str(path)))


def _normalise(text: str, work: Path) -> str:
    today = dt.date.today()
    text = re.sub(_loose(default_db_path()), "<DEFAULT_DB>", text)
    text = re.sub(_loose(work), "<W>", text)
    text = re.sub(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", "<UUID>", text)
    text = text.replace(today.isoformat(), "<TODAY>").replace(f"{today:%Y%m%d}", "<TODAY8>")
    text = re.sub(r"(<TODAY8>-)\d{6}(_[a-z-]+\.db)", r"\1<HHMMSS>\2", text)   # backups named by the time
    text = re.sub(rf"(数据结构版本：){mig.SCHEMA_VERSION}\b", r"\1<SCHEMA>", text)
    return text.replace(__version__, "<VERSION>")


def run_case(argv: list[str], capsys) -> tuple[int, str, str]:
    capsys.readouterr()
    try:
        code = cli.main(argv)
    except SystemExit as exc:   # argparse ends usage errors and --help by SystemExit
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def render(argv_text: str, mode: str, code: int, out: str, err: str, changes: list[str]) -> str:
    parts = [f"$ leifeng-desktop {argv_text}", f"mode: {mode}", f"exit: {code}", "--- stdout", out.rstrip("\n"),
             "--- stderr", err.rstrip("\n"), "--- files", *changes]
    return "\n".join(parts) + "\n"


def parse(text: str) -> dict[str, str]:
    head, rest = text.split("\n--- stdout\n", 1)
    out, rest = rest.split("\n--- stderr\n", 1)
    err, files = rest.split("\n--- files\n", 1) if "\n--- files\n" in rest else (rest, "")
    code = re.search(r"^exit: (\d+)$", head, re.MULTILINE)
    return {"exit": code.group(1) if code else "", "stdout": out, "stderr": err.rstrip("\n"),
            "files": files.rstrip("\n")}


HEADINGS = {"命令:", "参数:", "选项:"}   # section headings are click's layout (argparse put one argument under 命令)


def _cjk_words(text: str) -> list[str]:
    return [w for w in text.split() if re.search(r"[\u3000-\u9fff\uff00-\uffef]", w) and w not in HEADINGS]


def compare(mode: str, want_text: str, got_text: str) -> None:
    want, got = parse(want_text), parse(got_text)
    if mode == "exact":
        assert got_text == want_text
        return
    assert got["exit"] == want["exit"], got_text
    if mode == "help":
        # the usage line is click's own; from the first blank line on, the wording must all be there
        body = want["stdout"].split("\n\n", 1)[-1]
        flat = "".join(got["stdout"].split())
        missing = [w for w in _cjk_words(body) if w not in flat]
        assert not missing, f"help lost: {missing}\n{got['stdout']}"
        assert "用法：" in got["stdout"]
        return
    assert got["stdout"] == "" and got["files"] == "", got_text
    last = got["stderr"].splitlines()[-1]
    assert last.startswith("错误："), got_text
    want_last = want["stderr"].splitlines()[-1]
    for flag in re.findall(r"--[a-z][a-z-]*", want_last):
        assert flag in last, f"{flag} not named: {last}"


@pytest.mark.parametrize("name,argv_text,mode", CASES, ids=[c[0] for c in CASES])
def test_golden(name, argv_text, mode, inputs, tmp_path, capsys, monkeypatch):
    work = tmp_path / "w"
    shutil.copytree(inputs, work)
    monkeypatch.setenv("XDG_DATA_HOME", str(work / "xdg"))
    monkeypatch.delenv("LEIFENG_DEBUG", raising=False)
    argv = [a.replace("{w}", str(work)) for a in argv_text.split()]
    before = _tree(work)
    code, out, err = run_case(argv, capsys)
    changes = _changes(before, _tree(work))
    got = _normalise(render(argv_text.replace("{w}", str(work)), mode, code, out, err, changes), work)
    path = GOLDEN / f"{name}.txt"
    if UPDATE or not path.exists():
        path.parent.mkdir(exist_ok=True)
        path.write_text(got, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"recorded a new golden file {path.name}; check it and run again")
    compare(mode, path.read_text(encoding="utf-8"), got)


def test_every_golden_file_has_a_case():
    names = {c[0] for c in CASES}
    assert len(names) == len(CASES)
    stale = sorted(p.stem for p in GOLDEN.glob("*.txt") if p.stem not in names)
    assert not stale, f"golden files without a case: {stale}"
