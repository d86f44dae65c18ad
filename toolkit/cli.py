"""Command line: thin wiring over the library. ToolkitError -> one line on stderr, exit 2.

Heavy modules (polars, pandera) are imported inside the commands, so ``--help`` is instant.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from contextlib import nullcontext, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from toolkit.errors import ConfigError, ToolkitError
from toolkit.paths import is_dir

if TYPE_CHECKING:
    from toolkit.report import Report

EXIT_UNUSABLE = 2


class _Group(click.Group):
    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        result: list[str] = _translate(lambda: super(_Group, self).parse_args(ctx, args), ctx)
        return result

    def invoke(self, ctx: click.Context) -> Any:
        return _translate(lambda: super(_Group, self).invoke(ctx), ctx)


class _Command(click.Command):
    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        result: list[str] = _translate(lambda: super(_Command, self).parse_args(ctx, args), ctx)
        return result

    def invoke(self, ctx: click.Context) -> Any:
        return _translate(lambda: super(_Command, self).invoke(ctx), ctx)


def _translate(call: Any, ctx: click.Context) -> Any:
    """Run *call*; a ToolkitError or a click usage error becomes one ``error:`` line, exit 2."""
    try:
        return call()
    except ToolkitError as exc:
        _fail(" ".join(str(exc).split()) or type(exc).__name__)
    except click.UsageError as exc:
        if isinstance(exc, click.exceptions.NoArgsIsHelpError):
            raise  # a group called without a command shows its help, not an error line
        _fail(_usage_message(exc, exc.ctx or ctx))


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {' '.join(message.split())}", err=True)
    sys.exit(EXIT_UNUSABLE)


def _usage_message(exc: click.UsageError, ctx: click.Context) -> str:
    """click's message in the CLI's style: lower case, no final full stop, and where to look.

    "No such option '--formt'. Did you mean '--format'?" becomes
    "no such option '--formt'; did you mean '--format'? (try 'validate --help')".
    """
    text = " ".join(exc.format_message().split()).rstrip(".")
    text = text.replace(". Did you mean", "; did you mean")
    if text[:1].isupper() and text[1:2].islower():
        text = text[0].lower() + text[1:]
    return f"{text} (try '{ctx.command_path} --help')"


def _refuse_overwriting_inputs(
    output: Path, inputs: tuple[Path, ...], option: str = "--output"
) -> None:
    """ConfigError when *output* is one of *inputs* (same file, whatever the spelling)."""
    try:
        if not output.exists():
            return
    except OSError:
        return  # a folder we may not enter: the write itself will say so
    for item in inputs:
        try:
            same = item.exists() and output.samefile(item)
        except OSError:
            same = False
        if same:
            raise ConfigError(f"{output}: {option} would overwrite the input file {item}")


def _expand(
    paths: tuple[Path, ...], exclude: tuple[str, ...] = (), skip: tuple[Path, ...] = ()
) -> tuple[Path, ...]:
    """Files as given; a folder stands for the input files below it (by suffix: .csv, .tsv,
    .jsonl, .parquet, .xlsx, and .gz/.zst of the text ones; sorted, hidden ones skipped),
    but those matching an --exclude glob (by path below the folder or by name) and the
    gazetteer files of the settings (*skip*)."""
    from fnmatch import fnmatch

    from toolkit.readers import is_input

    skipped = {_resolved(p) for p in skip}
    out: list[Path] = []
    for path in paths:
        if str(path) == "-" or not is_dir(path):
            out.append(path)  # the reader says what is wrong with it, if anything
            continue
        found = []
        for item in sorted(path.rglob("*")):
            relative = item.relative_to(path)
            if any(part.startswith(".") for part in relative.parts) or not is_input(item):
                continue
            if any(fnmatch(relative.as_posix(), g) or fnmatch(item.name, g) for g in exclude):
                continue
            if item.is_file() and _resolved(item) not in skipped:
                found.append(item)
        if not found:
            raise ConfigError(
                f"{path}: no input files in this folder (.csv, .tsv, .jsonl, .parquet, .xlsx)"
            )
        out += found
    return tuple(dict.fromkeys(out))


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path


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
@click.argument("files", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("text", "json", "github", "junit", "markdown", "html")),
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
@click.option(
    "--engine",
    default="pandera",
    show_default=True,
    help="pandera, gx (Great Expectations: the gx extra), both (exit 2 unless they agree) or "
    "spark (the spark extra: files past one machine; paths, folders, globs, s3a://, hdfs://).",
)
@click.option(
    "--spark-master",
    metavar="URL",
    help="With --engine spark: the Spark master (default: local[*], or the active session).",
)
@click.option(
    "--findings-out",
    metavar="PATH",
    help="With --engine spark: write every finding to PATH as Parquet (atomically).",
)
@click.option(
    "--data-docs",
    type=click.Path(path_type=Path, file_okay=False),
    metavar="DIR",
    help="Write Great Expectations Data Docs (HTML) of the run to DIR (--engine gx or both).",
)
@click.option(
    "--color/--no-color", default=None, help="Colour the text report (default: on a TTY)."
)
@click.option(
    "--fail-on",
    type=click.Choice(("error", "warning", "never")),
    default="error",
    show_default=True,
    help="Exit 1 on errors, on warnings too, or never (CI gates).",
)
@click.option(
    "--changed-since",
    metavar="REF",
    help="Report only rows added or changed since this git revision (events: whole).",
)
@click.option(
    "--delimiter",
    metavar="CHAR",
    help="The cell delimiter of CSV input (default: comma; tab for .tsv). '\\t' for tab.",
)
@click.option(
    "--encoding",
    metavar="NAME",
    help="The text encoding of CSV/TSV/JSON Lines input (default: UTF-8), e.g. cp1252.",
)
@click.option(
    "--sheet", metavar="NAME", help="The sheet of an .xlsx workbook (default: the first)."
)
@click.option(
    "--preset",
    metavar="NAME",
    help="Read the files as a published dataset: acled, ucdp, hapi, hxl (event-toolkit presets).",
)
@click.option(
    "--fix",
    "fix_path",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="OUT.csv",
    help="Write a CSV copy of the (one) input with its certain date and count fixes applied.",
)
@click.option(
    "--exclude",
    multiple=True,
    metavar="GLOB",
    help="Skip files below a folder whose path or name matches GLOB (repeatable).",
)
@click.option(
    "--max-findings",
    type=click.IntRange(min=0),
    metavar="N",
    help="List at most N findings per rule, in every format (the counts stay exact).",
)
@click.option(
    "--baseline",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE",
    help="An earlier JSON report: findings already in it are accepted; only new ones count.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress display on stderr.")
def validate_command(
    files: tuple[str, ...],
    fmt: str,
    output: Path | None,
    config: Path | None,
    date_min: str | None,
    date_max: str | None,
    about_tolerance: str | None,
    gazetteer: tuple[Path, ...],
    rules: tuple[str, ...],
    engine: str,
    spark_master: str | None,
    findings_out: str | None,
    data_docs: Path | None,
    color: bool | None,
    fail_on: str,
    changed_since: str | None,
    delimiter: str | None,
    encoding: str | None,
    sheet: str | None,
    preset: str | None,
    fix_path: Path | None,
    exclude: tuple[str, ...],
    max_findings: int | None,
    baseline: Path | None,
    quiet: bool,
) -> None:
    """Check event-record FILES against every rule: CSV, TSV, JSON Lines, Parquet or xlsx
    (by suffix; .gz and .zst too), every such file under a folder, or - for stdin.

    Exit 0: no errors (warnings allowed); 1: errors found; 2: unusable input or options
    (the other files of the run are still checked and reported).
    """
    from toolkit.baseline import apply_baseline, load_baseline
    from toolkit.config import load_settings
    from toolkit.engines import DataDocs
    from toolkit.formats import render
    from toolkit.output import append_text, write_atomic
    from toolkit.progress import Display, wanted
    from toolkit.readers import ReadOptions
    from toolkit.report import exit_code

    read = ReadOptions(
        delimiter="\t" if delimiter in ("\\t", "tab") else delimiter,
        encoding=encoding,
        sheet=sheet,
    )
    spark = _spark_run(engine, files, spark_master, findings_out, max_findings, fix_path)
    paths = tuple(Path(f) for f in files)
    folders = [p for p in paths if str(p) != "-" and spark is None and is_dir(p)]
    skip = [
        path
        for folder in folders
        for path in load_settings(data_path=folder, config_path=config).gazetteer
    ]
    inputs: tuple[str | Path, ...]
    if spark is not None:  # and globs and URLs, listed by Spark (s3a://b/k: Path says s3a:/b/k)
        inputs = _spark_inputs(files, exclude, (*gazetteer, *skip), spark)
        if spark.findings_out is not None and len(inputs) != 1:
            raise ConfigError(
                f"--findings-out writes the findings of one input file; {files[0]} stands"
                f" for {len(inputs)}"
            )
    else:
        inputs = _expand(paths, exclude, (*gazetteer, *skip))
    paths = tuple(Path(f) for f in inputs)
    if output is not None:
        _refuse_overwriting_inputs(output, (*paths, *gazetteer, *([config] if config else [])))
    if fix_path is not None:
        if len(paths) != 1 or str(paths[0]) == "-":
            raise ConfigError("--fix writes the copy of one input file: give exactly one file")
        ours = (*paths, *gazetteer, *([config] if config else []))
        _refuse_overwriting_inputs(fix_path, ours, "--fix")
        if output is not None and _resolved(output) == _resolved(fix_path):
            raise ConfigError(f"{fix_path}: --fix and --output name the same file")
    overrides: dict[str, Any] = {
        "date_min": date_min,
        "date_max": date_max,
        "about_tolerance": about_tolerance,
        "rules": _rule_severity(rules) or None,
        "gazetteer": [str(p) for p in gazetteer] or None,
        "preset": preset,
    }
    earlier = load_baseline(baseline) if baseline is not None else None
    docs = DataDocs(data_docs) if data_docs is not None else None
    if data_docs is not None:
        from toolkit.gx.docs import refuse_inputs_inside

        refuse_inputs_inside(data_docs, (*paths, *gazetteer, *([config] if config else [])))
    reports: list[Report] = []
    display = Display(len(inputs)) if wanted(sys.stderr, quiet) else None
    with display or nullcontext():
        with suppress(_Unpublished):  # a file was unusable: the run failed, writes no site
            _validate_all(inputs, reports, config, overrides, engine, changed_since, docs, read,
                          display, spark)  # fmt: skip
        if display is not None:
            display.say("writing the report")
        if earlier is not None:
            reports = [apply_baseline(report, earlier) for report in reports]
        shown = [report.capped_to(max_findings) for report in reports]
        use_color = (output is None and sys.stdout.isatty()) if color is None else color
        text = render(shown, fmt, color=use_color and fmt == "text")
    if output is None:
        click.echo(text, nl=False, color=use_color)  # click strips ANSI off a TTY otherwise
    else:
        write_atomic(output, text)
    if fix_path is not None and reports and reports[0].unusable is None:
        _write_fix(fix_path, paths[0], reports[0], config, overrides, read)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if fmt == "github" and summary:
        append_text(Path(summary), render(shown, "markdown"))
    sys.exit(exit_code(reports, fail_on))


def _spark_inputs(
    given: tuple[str, ...], exclude: tuple[str, ...], skip: tuple[Path, ...], run: Any
) -> tuple[str | Path, ...]:
    """The files of each path for the Spark engine: a local file or folder as for the
    default engine, anything else (a glob, a URL) as Spark lists it."""
    from toolkit.spark.engine import input_files

    found: list[str | Path] = []
    for text in given:
        local = Path(text)
        if local.exists():
            found += _expand((local,), exclude, skip)
        else:
            found += input_files(text, run)
    return tuple(found)


def _spark_run(
    engine: str,
    files: tuple[str, ...],
    master: str | None,
    findings_out: str | None,
    max_findings: int | None,
    fix_path: Path | None,
) -> Any:
    """The SparkRun of ``--engine spark`` (None for another engine); ConfigError for the
    Spark options without it, and for what the Spark engine does not do."""
    if engine != "spark":
        for option, value in (("--spark-master", master), ("--findings-out", findings_out)):
            if value is not None:
                raise ConfigError(f"{option} goes with --engine spark")
        return None
    if fix_path is not None:
        raise ConfigError("--fix reads the file with the default engine: drop --engine spark")
    if "-" in files:
        raise ConfigError("--engine spark reads paths, not stdin")
    if findings_out is not None and len(files) != 1:
        raise ConfigError("--findings-out writes the findings of one input: give exactly one")
    from toolkit.spark.engine import DEFAULT_LISTED, SparkRun

    listed = DEFAULT_LISTED if max_findings is None else max_findings
    return SparkRun(master=master, max_findings=listed, findings_out=findings_out)


def _write_fix(
    target: Path, path: Path, report: Report, config: Path | None, overrides: Any, read: Any
) -> None:
    """--fix: the input read again as it is, the report's certain fixes applied, written
    atomically; each change listed on stderr with its line."""
    from toolkit.config import load_settings
    from toolkit.fix import changes, write_fixed
    from toolkit.mapping import resolve
    from toolkit.readers import read_table

    table = read_table(path, read)
    settings = load_settings(data_path=path, config_path=config, overrides=overrides)
    _, mapping = resolve(table, settings)
    found = changes(report, table, mapping.columns if mapping is not None else None)
    write_fixed(target, table, found)
    click.echo(f"wrote {target}: {len(found)} change{'' if len(found) == 1 else 's'}", err=True)
    for change in found:
        click.echo(f"  {change.describe(report.located_by)}", err=True)


class _Unpublished(Exception):
    """Leaves the Data Docs context without publishing (see _validate_all)."""


def _validate_all(
    files: tuple[str | Path, ...],
    reports: list[Report],
    config: Path | None,
    overrides: dict[str, Any],
    engine: str,
    changed_since: str | None,
    docs: Any,
    read: Any,
    display: Any = None,
    spark: Any = None,
) -> None:
    """Validate each file into *reports*; an unusable file, when there are several, is
    reported as such (and on stderr) and the others are still checked. Data Docs are
    published only when every file was usable. *display* shows the progress, if given."""
    from toolkit.checker import validate
    from toolkit.config import load_settings
    from toolkit.errors import InputError
    from toolkit.report import unusable_report

    with docs.publishing() if docs is not None else nullcontext():
        for path in files:
            settings = load_settings(data_path=Path(path), config_path=config, overrides=overrides)
            if display is not None:
                display.file("<stdin>" if str(path) == "-" else str(path))
            try:
                report = validate(
                    path,
                    settings,
                    engine,
                    changed_since,
                    data_docs=docs,
                    options=read,
                    progress=display.say if display is not None else None,
                    spark=spark,
                )
            except InputError as exc:
                if len(files) == 1:
                    raise  # one file: the error line is the whole answer
                click.echo(f"error: {' '.join(str(exc).split())}", err=True)
                report = unusable_report("<stdin>" if str(path) == "-" else str(path), str(exc))
            reports.append(report)
        if docs is not None and any(r.unusable is not None for r in reports):
            raise _Unpublished


def _fractions(values: tuple[str, ...]) -> dict[str, float]:
    from toolkit.fixtures.generate import DEFAULT_FRACTION

    out: dict[str, float] = {}
    for item in values:
        rule, sep, fraction = item.partition("=")
        if rule.strip() in out:
            raise click.BadParameter(f"{rule.strip()!r} is given twice", param_hint="--break")
        try:
            out[rule.strip()] = float(fraction) if sep else DEFAULT_FRACTION
        except ValueError:
            raise click.BadParameter(
                f"{item!r}: expected RULE or RULE=FRACTION", param_hint="--break"
            ) from None
    return out


@click.command(cls=_Command, name="fixtures")
@click.option(
    "--events",
    type=click.IntRange(min=0),
    default=100,
    show_default=True,
    help="How many events (each a total row and 0-7 part rows).",
)
@click.option(
    "--seed",
    type=int,
    default=0,
    show_default=True,
    help="Random seed: same seed and options, byte-identical files.",
)
@click.option(
    "--break",
    "breaks",
    multiple=True,
    metavar="RULE[=FRACTION]",
    help="Break this fraction of the events for RULE (default 0.1; repeatable).",
)
@click.option(
    "--date-min",
    default="2015-01-01",
    show_default=True,
    help="Earliest date of the generated events (YYYY-MM-DD).",
)
@click.option(
    "--date-max",
    default="2024-12-31",
    show_default=True,
    help="Latest date of the generated events (YYYY-MM-DD).",
)
@click.option(
    "--country",
    "countries",
    multiple=True,
    metavar="NAME",
    help="Countries to place events in (repeatable; default AF, TJ, UZ).",
)
@click.option(
    "--config",
    type=click.Path(path_type=Path),
    help="TOML config the data will be validated under (vocabularies, tolerance).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path),
    required=True,
    help="The CSV to write; FILE.manifest.json is written beside it.",
)
def fixtures_command(
    events: int,
    seed: int,
    breaks: tuple[str, ...],
    date_min: str,
    date_max: str,
    countries: tuple[str, ...],
    config: Path | None,
    output: Path,
) -> None:
    """Write synthetic event records, some broken for chosen rules, and their manifest.

    The manifest (FILE.manifest.json) lists every finding the checker must report:
    rule, record_id, event_id, column and line.
    """
    from toolkit.config import load_settings, to_date
    from toolkit.fixtures import generate, manifest_path
    from toolkit.fixtures.generate import COUNTRIES
    from toolkit.wording import plural

    if not output.name or output.name in (".", "..") or is_dir(output):
        raise ConfigError(f"{output}: --output must name a file (FILE.csv)")
    manifest = manifest_path(output)
    _refuse_overwriting_inputs(output, (config,) if config else ())
    _refuse_overwriting_inputs(manifest, (config,) if config else ())
    settings = load_settings(data_path=output, config_path=config)
    fixture = generate(
        events,
        seed,
        _fractions(breaks),
        date_min=to_date("--date-min", date_min, None),
        date_max=to_date("--date-max", date_max, None),
        countries=countries or COUNTRIES,
        settings=settings,
    )
    fixture.write(output)
    counts = fixture.manifest()["findings_by_rule"]
    broken = ", ".join(f"{rule} {n}" for rule, n in counts.items()) or "none"
    click.echo(
        f"wrote {output} ({plural(fixture.table.height, 'row', grouped=True)}, "
        f"{plural(events, 'event', grouped=True)}) and {manifest} "
        f"(labelled findings: {broken})",
        err=True,
    )
    for rule, (asked, done) in fixture.manifest()["broken_events"].items():
        if done < asked:
            click.echo(
                f"note: {rule}: {done} of the {plural(asked, 'event')} asked for could be broken "
                "(too few events fit the rule's mutator)",
                err=True,
            )


@click.group(cls=_Group, name="event-toolkit")
@click.version_option(package_name="event-toolkit")
def main() -> None:
    """event-toolkit: keep datasets of event records extracted from news honest."""


def _schema_options(what: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """The -o/--output and --config options of the commands that write a schema."""

    def decorate(command: Callable[..., None]) -> Callable[..., None]:
        command = click.option(
            "--config",
            type=click.Path(path_type=Path, dir_okay=False),
            help="Settings (vocabularies, tolerance, rules, gazetteer) from this pyproject.toml.",
        )(command)
        return click.option(
            "-o",
            "--output",
            type=click.Path(path_type=Path, dir_okay=False),
            help=f"Write the {what} to this file (default: stdout).",
        )(command)

    return decorate


@click.command(cls=_Command, name="gx-suite")
@_schema_options("suite")
def gx_suite_command(output: Path | None, config: Path | None) -> None:
    """Write the rule catalogue as a Great Expectations suite (JSON; needs the gx extra).

    It validates the frame toolkit.gx_frame() makes of an event-record file, with the
    suite parameters toolkit.gx_parameters() gives (date_min, date_max).
    """
    _write_schema(_schema_text("gx", config), output, config)


SCHEMA_FORMATS = ("pandera", "gx", "table-schema")


@click.command(cls=_Command, name="schema")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(SCHEMA_FORMATS),
    required=True,
    help="pandera (YAML), gx (Great Expectations suite, as gx-suite) or table-schema (JSON).",
)
@_schema_options("schema")
def schema_command(fmt: str, output: Path | None, config: Path | None) -> None:
    """Write a published schema of the event record (schemas/ holds the defaults').

    pandera: the rule catalogue as a pandera (polars) YAML schema whose checks are registered
    check methods, one per rule; load it with pandera after `import toolkit` and validate the
    frame toolkit.schema.prepared() makes. gx: the Great Expectations suite (as gx-suite).
    table-schema: the record contract (columns, types, vocabularies) as a Frictionless
    Table Schema.
    """
    _write_schema(_schema_text(fmt, config), output, config)


def _schema_text(fmt: str, config: Path | None) -> str:
    """What ``schema --format FMT`` writes under the settings of *config*."""
    from toolkit.config import load_settings

    if fmt == "gx":
        from toolkit.engines.gx_engine import require_gx

        require_gx()
        from toolkit.gx import suite_json

        return suite_json(load_settings(config_path=config))
    if fmt == "pandera":
        from toolkit.pandera_yaml import published, yaml_text

        return yaml_text(*published(config))
    from toolkit.table_schema import table_schema_json

    return table_schema_json(load_settings(config_path=config))


def _write_schema(text: str, output: Path | None, config: Path | None) -> None:
    """*text* to stdout, or atomically to *output* (never over the config it was made from)."""
    from toolkit.output import write_atomic

    if output is not None and config is not None:
        _refuse_overwriting_inputs(output, (config,))
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomic(output, text)
        click.echo(f"wrote {output}", err=True)


@click.command(cls=_Command, name="presets")
def presets_command() -> None:
    """List the presets (--preset NAME) and how each maps a dataset's columns."""
    from toolkit.mapping import presets

    for item in presets().values():
        click.echo(f"{item.name}: {item.description}")
        for column, names in item.columns.items():
            click.echo(f"  {column:<15} <- {' | '.join(names)}")
        if item.name == "hxl":
            click.echo("  (each contract column from its hashtag: see the README)")
        if item.absent:
            click.echo(f"  not recorded: {', '.join(item.absent)}")
        if item.date_formats:
            click.echo(f"  dates also as: {', '.join(item.date_formats)}")
        if item.event_types:
            click.echo(f"  event_type vocabulary: {', '.join(item.event_types)}")
        click.echo("")


main.add_command(validate_command)
main.add_command(presets_command)
main.add_command(fixtures_command)
main.add_command(gx_suite_command)
main.add_command(schema_command)


def validate_main() -> None:
    """Entry point of the ``validate`` console script."""
    _short_lived()
    _then_exit(lambda: validate_command(prog_name="validate"))


def event_toolkit_main() -> None:
    """Entry point of the ``event-toolkit`` console script (and ``python -m toolkit``)."""
    _short_lived()
    _then_exit(lambda: main(prog_name="event-toolkit"))


# what cleans up after itself when the interpreter exits: Spark stops its JVM, GX its context
_TIDY_AT_EXIT = ("pyspark", "great_expectations")


def _then_exit(command: Callable[[], object]) -> NoReturn:
    """Run a console script's *command*, flush what it printed and end the process at once
    with its exit code: the interpreter's own teardown (freeing every module and frame,
    which nothing reads again) takes 0.1-0.2 s, a tenth of a small file's run. Outputs are
    complete by then (written atomically, closed). A normal exit where a library that
    tidies up at exit was loaded, or the code is a message rather than a number."""
    try:
        command()
        code: object = 0
    except SystemExit as exc:
        code = 0 if exc.code is None else exc.code
    if not isinstance(code, int) or any(name in sys.modules for name in _TIDY_AT_EXIT):
        raise SystemExit(code)
    for stream in (sys.stdout, sys.stderr):
        with suppress(OSError, ValueError):  # a closed pipe: what was printed is lost anyway
            stream.flush()
    os._exit(code)


# polars allocates with its own jemalloc, which keeps freed pages for 10 s before giving them
# back: a large file's run then peaks with the memory of earlier phases still held (the raw
# bytes, the parse's buffers). A tenth of a second returns them while the run goes on at
# the same speed (bench/run.py: one-line records' peak 6.6x to 5.3x the file). Read once,
# when polars is loaded; the user's own setting wins.
_JEMALLOC = ("_RJEM_MALLOC_CONF", "dirty_decay_ms:100,muzzy_decay_ms:0")


def _short_lived() -> None:
    """What only a process that exits after one command may do (not CliRunner tests)."""
    os.environ.setdefault(*_JEMALLOC)  # before anything imports polars
    from toolkit.gazetteer.lookup import freeze_when_loaded

    freeze_when_loaded()
    # pandera imports hypothesis where it is installed (for data strategies, which no
    # command here uses), and hypothesis then loads every plugin registered for it (trio's
    # takes 0.2 s); its documented switch skips them, for this process only
    os.environ.setdefault("HYPOTHESIS_NO_PLUGINS", "1")
