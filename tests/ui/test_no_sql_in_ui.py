"""The window holds no SQL and never touches the connection: filters, lookups and rules live in the core
(core.filters, core.lookups, core.teams, core.visits …), so a list, the dashboard and the CLI cannot disagree.

Read with `ast`, so comments and docstrings may talk about SQL freely while any string the code uses may not."""
import ast
import re
from pathlib import Path

import pytest

import leifeng_desktop

UI = Path(leifeng_desktop.__file__).parent / "ui"

CONNECTION_ATTRS = {"db", "conn", "connection", "cursor"}              # store.db, self.store.db.query, x.conn
CONNECTION_CALLS = {"execute", "executemany", "executescript", "query"}
CONNECTION_MODULES = {"sqlite_utils", "apsw"}   # sqlite3 may be imported for its exception classes, not connect()
SQL_PATTERNS = [re.compile(p) for p in (
    r"\b(SELECT|INSERT|UPDATE|DELETE|WHERE|JOIN|ORDER BY|GROUP BY|HAVING|PRAGMA|VALUES|UNION|DISTINCT|EXISTS)\b",
    r"(?i)\bselect\b.+\bfrom\b", r"(?i)\binsert\s+(or\s+\w+\s+)?into\b", r"(?i)\bdelete\s+from\b",
    r"(?i)\bupdate\s+\S+\s+set\b", r"(?i)\border\s+by\b", r"(?i)\b(left|inner|cross)?\s*join\b.+\bon\b",
    r"(?i)\bwhere\b.*(=|<|>|\blike\b|\bin\b|\bis\b)",
    r"(=|<>|!=|<=|>=|<|>|\bIN|\bIS|\bLIKE|\bin|\bis|\blike)\s*\(?\s*(\?|:[a-z_]+\b)",   # a placeholder compared
    r"(?i)\b(substr|json_extract|coalesce|nullif|ifnull|strftime|group_concat)\s*\(",
    r"(?i)\bdate\('now'",
)]


def _docstrings(tree: ast.AST) -> set[int]:
    """Bare string statements (docstrings and the like): prose, not strings the code uses."""
    return {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)}


def _text(node: ast.AST) -> str | None:
    """A string constant, or an f-string with each {…} as one word."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "x" for v in node.values)
    return None


def findings(source: str, name: str = "<code>") -> list[str]:
    """Every place in `source` that touches the connection or holds SQL, as 'name:line what'."""
    tree = ast.parse(source)
    prose = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Attribute) and node.attr in CONNECTION_ATTRS:
            found.append(f"{name}:{line} touches the connection (.{node.attr})")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in CONNECTION_CALLS:
            found.append(f"{name}:{line} runs SQL ({node.func.attr}())")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "connect" \
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "sqlite3":
            found.append(f"{name}:{line} opens a connection (sqlite3.connect)")
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            found += [f"{name}:{line} imports {m}" for m in modules if m.split(".")[0] in CONNECTION_MODULES]
        elif isinstance(node, ast.keyword) and node.arg == "where" and _text(node.value) is not None:
            found.append(f"{name}:{line} writes a WHERE clause (where=…)")
        elif id(node) not in prose and (text := _text(node)) is not None:
            if any(p.search(text) for p in SQL_PATTERNS):
                found.append(f"{name}:{line} holds SQL: {text[:70]!r}")
    return found


def ui_modules() -> list[Path]:
    return sorted(UI.rglob("*.py"))


def test_the_ui_has_modules_to_check():
    names = {p.relative_to(UI).as_posix() for p in ui_modules()}
    assert {"workers.py", "pages/team_page.py", "pages/visits_page.py", "activity_dialog.py"} <= names


@pytest.mark.parametrize("path", ui_modules(), ids=lambda p: p.relative_to(UI).as_posix())
def test_no_module_under_ui_holds_sql_or_touches_the_connection(path):
    assert findings(path.read_text(encoding="utf-8"), path.relative_to(UI).as_posix()) == []


@pytest.mark.parametrize("code", [
    'rows = store.db.query("SELECT id, name FROM team")',
    'n = self.store.db.execute(sql).fetchone()[0]',
    'store.conn.commit()',
    'import sqlite_utils',
    'conn = sqlite3.connect(path)',
    'members = store.rows("member", where="team_id = ?", params=[team_id])',
    'rows = store.rows(kind, where=f"{rt.parent} = ?", params=[record_id])',
    'clause = f\'substr("{column}", 1, 10) {op} ?\'',
    'items = [("全部单位", None, ())] + [(u, "unit = ?", (u,)) for u in units]',
    'sql = "select id from team order by name"',
    'sql = "SELECT 1 FROM demand WHERE demand.visit_id = enterprise_visit.id"',
    'overdue = "(SELECT json_extract(value, \'$\') FROM settings WHERE key = \'demand_reply_days\')"',
    'cond = "id IN (SELECT household_id FROM aid)"',
])
def test_the_check_finds_sql_and_connection_use(code):
    assert findings(code)


def test_the_check_leaves_prose_and_qt_strings_alone():
    code = '''
"""Update the list where the clerk selects a team; order by name. SELECT is fine in a docstring."""
STYLE = "QPushButton#figure { color: #1a5fb4; font-weight: bold; } QPushButton#figure:hover { }"

def f(page):
    """Delete from the view, join the parts."""
    page.setObjectName("delete_button")
    page.setText("确定删除志愿服务队“甲队”吗？此操作不能撤销。")   # a comment may say SELECT * FROM team
    page.model.set_where(*filters.combine(chosen))
    return "yyyy-MM-dd", "数据库文件 (*.db *.sqlite)", f"共 {n} 条{label}记录", "按是否逾期筛选"
'''
    assert findings(code) == []
