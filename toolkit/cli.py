"""Command line: thin wiring over the library. ToolkitError -> one line on stderr, exit 2.

Heavy modules (polars, pandera) are imported inside the commands, so ``--help`` is instant.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from toolkit.errors import ConfigError, ToolkitError

FORMATS = ("text", "json")
EXIT_UNUSABLE = 2


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        return _translate(lambda: super(_Group, self).invoke(ctx))


class _Command(click.Command):
    def invoke(self, ctx: click.Context) -> Any:
        return _translate(lambda: super(_Command, self).invoke(ctx))


def _translate(call: Any) -> Any:
    try:
        return call()
    except ToolkitError as exc:
        message = " ".join(str(exc).split()) or type(exc).__name__
        click.echo(f"error: {message}", err=True)
        sys.exit(EXIT_UNUSABLE)


def _refuse_overwriting_inputs(output: Path, inputs: tuple[Path, ...]) -> None:
    """ConfigError when *output* is one of *inputs* (same file, whatever the spelling)."""
    if not output.exists():
        return
    for item in inputs:
        try:
            same = item.exists() and output.samefile(item)
        except OSError:
            same = False
        if same:
            raise ConfigError(f"{output}: --output would overwrite the input file {item}")


def _rule_severity(values: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in values:
        rule, sep, severity = item.partition("=")
        if not sep:
            raise click.BadParameter(
                f"{item!r}: expected RULE=error|warning|off", param_hint="--rule"
            )
        out[rule.strip()] = severity.strip()
    return out


@click.command(cls=_Command, name="validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="Report format.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path),
    help="Write the report here (atomically) instead of stdout.",
)
@click.option(
    "--config",
    type=click.Path(path_type=Path),
    help="TOML config file (default: [tool.event-toolkit] in the nearest pyproject.toml).",
)
@click.option("--date-min", help="Earliest allowed date, YYYY-MM-DD (default 1900-01-01).")
@click.option("--date-max", help="Latest allowed date, YYYY-MM-DD or 'today' (default today).")
@click.option("--about-tolerance", help="Relative tolerance of 'about n' counts (default 0.10).")
@click.option(
    "--gazetteer",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Extra places: our CSV shape or a GeoNames dump (repeatable).",
)
@click.option(
    "--rule",
    "rules",
    multiple=True,
    metavar="RULE=SEVERITY",
    help="Set a rule to error, warning or off (repeatable).",
)
@click.option("--engine", default="pandera", show_default=True, help="Validation engine.")
@click.option(
    "--color/--no-color", default=None, help="Colour the text report (default: on a TTY)."
)
def validate_command(
    files: tuple[Path, ...],
    fmt: str,
    output: Path | None,
    config: Path | None,
    date_min: str | None,
    date_max: str | None,
    about_tolerance: str | None,
    gazetteer: tuple[Path, ...],
    rules: tuple[str, ...],
    engine: str,
    color: bool | None,
) -> None:
    """Check event-record CSV FILES against the contract and every rule.

    Exit 0: no errors (warnings allowed); 1: errors found; 2: unusable input or options.
    """
    from toolkit.checker import validate
    from toolkit.config import load_settings
    from toolkit.formats import render
    from toolkit.output import write_atomic
    from toolkit.report import exit_code

    if output is not None:
        _refuse_overwriting_inputs(output, (*files, *gazetteer, *([config] if config else [])))
    overrides: dict[str, Any] = {
        "date_min": date_min,
        "date_max": date_max,
        "about_tolerance": about_tolerance,
        "rules": _rule_severity(rules) or None,
        "gazetteer": [str(p) for p in gazetteer] or None,
    }
    reports = [
        validate(
            path,
            load_settings(data_path=path, config_path=config, overrides=overrides),
            engine=engine,
        )
        for path in files
    ]
    use_color = (output is None and sys.stdout.isatty()) if color is None else color
    text = render(reports, fmt, color=use_color and fmt == "text")
    if output is None:
        click.echo(text, nl=False, color=use_color)  # click strips ANSI off a TTY otherwise
    else:
        write_atomic(output, text)
    sys.exit(exit_code(reports))


@click.group(cls=_Group)
@click.version_option(package_name="event-toolkit")
def main() -> None:
    """event-toolkit: keep datasets of event records extracted from news honest."""


main.add_command(validate_command)


def validate_main() -> None:
    """Entry point of the ``validate`` console script."""
    validate_command(prog_name="validate")
