"""The README stays in step with the code: rule catalogue, CLI options, commands."""

from __future__ import annotations

import re

import click

from tests.conftest import ROOT
from toolkit.cli import main
from toolkit.contract import load_contract

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_rule_catalogue_matches_the_contract() -> None:
    start, end = "<!-- rule-catalogue:start -->", "<!-- rule-catalogue:end -->"
    table = README.split(start, 1)[1].split(end, 1)[0].strip().splitlines()
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in table[2:]]
    expected = [[f"`{r.id}`", r.severity, r.summary] for r in load_contract().rules]
    assert rows == expected


def test_every_command_and_option_is_documented() -> None:
    ctx = click.Context(main)
    for name in main.list_commands(ctx):
        command = main.get_command(ctx, name)
        assert command is not None
        assert f"`{name} " in README or f"`event-toolkit {name}" in README, name
        for param in command.params:
            if isinstance(param, click.Option):
                for flag in [*param.opts, *param.secondary_opts]:
                    assert re.search(rf"`[^`]*{re.escape(flag)}\b", README), (name, flag)


def test_the_first_two_commands_are_install_validate_and_install_test() -> None:
    blocks = re.findall(r"```sh\n(.*?)```", README, flags=re.S)
    assert blocks[0].strip() == "pip install . && validate fixtures/real/events.csv"
    assert blocks[1].strip() == "pip install -e '.[dev]' && pytest"
    assert "pip install -e '.[dev]' && pytest" in (ROOT / ".ci" / "run").read_text()


def test_gx_expectation_table_matches_the_rules() -> None:
    from toolkit.config import default_settings
    from toolkit.rules import all_rules
    from toolkit.rules.base import Context

    start, end = "<!-- gx-expectations:start -->", "<!-- gx-expectations:end -->"
    table = README.split(start, 1)[1].split(end, 1)[0].strip().splitlines()
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in table[2:]]
    ctx = Context(contract=load_contract(), settings=default_settings())
    expected = []
    for rule in all_rules():
        names: list[str] = []
        for column in rule.targets(ctx):
            names += [spec.type for spec in rule.gx(ctx, column) if spec.type not in names]
        custom = " (custom)" if rule.gx_custom else ""
        expected.append([f"`{rule.id}`", ", ".join(f"`{n}`" for n in names) + custom])
    assert rows == expected
