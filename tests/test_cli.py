"""The `assure` command: the development commands plug in from `synthetic/`, and their absence (a deployment
without it) leaves the product's commands working."""

from importlib.metadata import EntryPoint

from transforms import cli


def sub_commands(parser) -> set[str]:
    return set(next(a for a in parser._actions if a.dest == "command").choices)


def test_development_commands_plug_in_from_synthetic():
    assert sub_commands(cli.parser()) == {"run", "validate", "rules", "templates", "values", "link", "decide", "review",
                                          "commentary", "indicators", "reference", "generate", "link-train"}


def test_without_synthetic_the_product_commands_remain(monkeypatch):
    missing = EntryPoint("synthetic", "no_such_package.commands:register", cli.COMMAND_PLUG_INS)
    monkeypatch.setattr(cli, "entry_points", lambda group: [missing])
    assert sub_commands(cli.parser()) == {"run", "validate", "rules", "templates", "values", "link", "decide", "review",
                                          "commentary", "indicators", "reference"}
    assert cli.main(["rules", "--return", "police_ppn", "--format", "csv"]) == 0


def test_the_indicator_definitions_page_is_current(capsys):
    """docs/indicators.md is `assure indicators`' output: each indicator's definition source, window and reference."""
    from transforms.settings import PROJECT_ROOT

    assert cli.main(["indicators"]) == 0
    page = capsys.readouterr().out
    assert "| CSC-06D | Second or subsequent child protection plans (DfE) | DfE |" in page
    assert (PROJECT_ROOT / "docs" / "indicators.md").read_text() == page, "run: assure indicators > docs/indicators.md"
