"""The `assure` command: the development commands plug in from `synthetic/`, and their absence (a deployment
without it) leaves the product's commands working."""

from importlib.metadata import EntryPoint

from transforms import cli


def sub_commands(parser) -> set[str]:
    return set(next(a for a in parser._actions if a.dest == "command").choices)


def test_development_commands_plug_in_from_synthetic():
    assert sub_commands(cli.parser()) == {"run", "validate", "rules", "templates", "values", "link", "generate",
                                          "link-train"}


def test_without_synthetic_the_product_commands_remain(monkeypatch):
    missing = EntryPoint("synthetic", "no_such_package.commands:register", cli.COMMAND_PLUG_INS)
    monkeypatch.setattr(cli, "entry_points", lambda group: [missing])
    assert sub_commands(cli.parser()) == {"run", "validate", "rules", "templates", "values", "link"}
    assert cli.main(["rules", "--return", "police_ppn", "--format", "csv"]) == 0
