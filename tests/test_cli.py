"""The `assure` command: the development commands plug in from `synthetic/`, and their absence (a deployment
without it) leaves the product's commands working."""

import subprocess
import sys
from importlib.metadata import EntryPoint

from transforms import cli

PRODUCT_COMMANDS = {"run", "validate", "rules", "templates", "values", "link", "decide", "review", "commentary",
                    "indicators", "reference"}


def sub_commands(parser) -> set[str]:
    return set(next(a for a in parser._actions if a.dest == "command").choices)


def test_development_commands_plug_in_from_synthetic():
    assert sub_commands(cli.parser([])) == PRODUCT_COMMANDS | {"generate", "link-train"}


def test_without_synthetic_the_product_commands_remain(monkeypatch):
    missing = EntryPoint("synthetic", "no_such_package.commands:register", cli.COMMAND_PLUG_INS)
    monkeypatch.setattr("importlib.metadata.entry_points", lambda group: [missing])
    assert sub_commands(cli.parser(["--help"])) == PRODUCT_COMMANDS
    assert cli.main(["rules", "--return", "police_ppn", "--format", "csv"]) == 0


def test_a_product_command_does_not_look_for_plug_ins(monkeypatch):
    """`assure run` and the product's other commands build their parser without reading the installed packages'
    entry points; any other command line (a development command, `--help`, a typo) looks for them."""
    looked = []
    monkeypatch.setattr("importlib.metadata.entry_points", lambda group: looked.append(group) or [])
    cli.parser(["run", "--period", "2026-09"])
    cli.parser(["rules", "--return", "police_ppn"])
    assert looked == []
    for argv in (["generate", "--out", "x"], ["--help"], [], ["rnu"]):
        cli.parser(argv)
    assert looked == [cli.COMMAND_PLUG_INS] * 4


def test_the_indicator_definitions_page_is_current(capsys):
    """docs/indicators.md is `assure indicators`' output: each indicator's definition source, window and reference."""
    from transforms.settings import PROJECT_ROOT

    assert cli.main(["indicators"]) == 0
    page = capsys.readouterr().out
    assert "| CSC-06D | Second or subsequent child protection plans (DfE) | DfE |" in page
    assert (PROJECT_ROOT / "docs" / "indicators.md").read_text() == page, "run: assure indicators > docs/indicators.md"


def console_script(code: str, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code, *arguments], capture_output=True, text=True, timeout=120)


def test_the_console_script_prints_everything_and_keeps_the_exit_code(capsys):
    """`assure` (cli.console) skips the interpreter's teardown once a command has finished: what it printed still
    reaches a pipe whole, and its exit code is kept, success or not."""
    assert cli.main(["rules", "--format", "csv"]) == 0
    expected = capsys.readouterr().out
    done = console_script("import sys; from transforms import cli; sys.argv[1:] = ['rules', '--format', 'csv']; "
                          "cli.console()")
    assert done.returncode == 0 and done.stdout == expected and len(expected) > 10_000, done.stderr[-2000:]
    refused = console_script("import sys; from transforms import cli; sys.argv[1:] = ['rules', '--return', 'nope']; "
                             "cli.console()")
    assert refused.returncode == 2 and "nope" in refused.stderr


def test_only_the_teardown_is_skipped():
    """Exit handlers registered during the command run, after it; the teardown (a module-level object's finaliser)
    does not, once the command has finished; a command ending in an exception exits as Python does."""
    script = """
import atexit, sys
from transforms import cli

class Finaliser:
    def __del__(self):
        print("teardown ran", flush=True)

kept = Finaliser()
finish = cli.without_teardown()
atexit.register(lambda: print("handler ran"))
print("command ran", end=" ")
if sys.argv[1] == "finished":
    finish(3)
    sys.exit(3)
raise RuntimeError("the command failed")
"""
    finished = console_script(script, "finished")
    assert (finished.returncode, finished.stdout) == (3, "command ran handler ran\n"), finished.stderr
    failed = console_script(script, "failed")
    assert failed.returncode == 1 and "RuntimeError: the command failed" in failed.stderr
    assert failed.stdout == "command ran handler ran\nteardown ran\n"
