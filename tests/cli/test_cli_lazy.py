"""The CLI's commands are imported when asked for (issue 18): a command, or the window, pays only for its own
modules; the help, usage errors and names stay as they were."""
from __future__ import annotations

import json

from leifeng_desktop import cli
from leifeng_desktop.core.store import Store

from cli_helpers import run, text

# What `stats --json` may import of the CLI, and what nothing but its own command needs.
OTHERS = ("setup", "records", "generate", "imports", "exports", "documents", "backup", "new_year", "password",
          "bundle")


def test_every_name_loads_its_command():
    for name in cli.COMMANDS:
        command = cli.load_command(name)
        assert command.name == name
    export = cli.load_command("export")
    assert {"summary", "plan"} <= set(export.commands)
    assert list(export.commands)[-2:] == ["summary", "plan"]


def test_names_known_without_importing():
    commands = cli.LazyCommands(cli.COMMANDS)
    assert list(commands) == list(cli.COMMANDS) and len(commands) == 13
    assert "stats" in commands and "nosuch" not in commands
    assert commands._loaded == {}
    assert commands.get("nosuch") is None and commands._loaded == {}
    assert commands["stats"].name == "stats" and list(commands._loaded) == ["stats"]
    commands["extra"] = cli.load_command("check")
    assert list(commands)[-1] == "extra"
    del commands["extra"]
    assert "extra" not in commands


def test_help_lists_every_command_in_order(capsys):
    assert cli.main(["--help"]) == 0
    out = capsys.readouterr().out
    places = [out.index(f"\n  {name} ") for name in cli.COMMANDS]
    assert places == sorted(places)


def test_a_command_imports_only_its_own_module(tmp_path):
    db = tmp_path / "小.db"
    with Store.open(db) as st:
        st.settings.set({"year": 2026})
    code = ("import json, sys\nfrom leifeng_desktop.cli import main\ncode = main(sys.argv[1:])\n"
            "from sqlite_utils import plugins\n"
            "print(json.dumps(sorted(m for m in sys.modules if m.startswith(('leifeng_desktop.cli', 'keyring', "
            "'PySide6'))) + ['plugins'] * plugins._plugins_loaded), file=sys.stderr)\nsys.exit(code)\n")
    done = run("--db", str(db), "stats", "--json", code=code,
               env_extra={"DBUS_SESSION_BUS_ADDRESS": "", "PYTHON_KEYRING_BACKEND": "",
                          "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_RUNTIME_DIR": str(tmp_path)})
    assert done.returncode == 0, text(done.stderr)
    assert json.loads(text(done.stdout))["year"] == 2026
    modules = json.loads(text(done.stderr).strip().splitlines()[-1])
    assert "leifeng_desktop.cli.stats" in modules
    assert not [m for m in modules if m.rsplit(".", 1)[-1] in OTHERS], modules
    assert not [m for m in modules if m.startswith(("keyring", "PySide6"))], modules
    assert "plugins" not in modules   # sqlite-utils' plugins (an entry-point scan) are not looked for


def test_an_unknown_command_names_every_command(capsys):
    assert cli.main(["nosuch"]) == 2
    err = capsys.readouterr().err
    assert "没有“nosuch”这个命令" in err and "、".join(cli.COMMANDS) in err
