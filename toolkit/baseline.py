"""Baselines: adopt the checker on a dataset that already has findings.

A baseline is an earlier JSON report (``validate --format json``). A finding of a new run
that is already in it, matched by rule, record_id, column and value (not by line: lines
move when rows are added), is *accepted*: listed apart, not counted, and it does not fail
the run. Only new findings count. Matching counts: a baseline holding a finding twice
accepts it twice, a third one is new.

Which report of the baseline applies to a file: the one with the same ``file``; a baseline
of one file applies to a run's file of any name.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.errors import ConfigError

if TYPE_CHECKING:
    from toolkit.report import Finding, Report

KEY = ("rule", "record_id", "column", "value")  # what makes two findings the same
Key = tuple[str, str | None, str | None, str | None]


@dataclass(frozen=True)
class Baseline:
    """The findings of an earlier report per file, as counts of their keys."""

    path: str
    files: dict[str, Counter[Key]]

    def for_file(self, name: str) -> Counter[Key]:
        if name in self.files:
            return self.files[name]
        if len(self.files) == 1:
            return next(iter(self.files.values()))
        return Counter()


def load_baseline(path: str | Path) -> Baseline:
    """The baseline in the JSON report at *path* (one file's object or a list of them; a
    report of schema_version 1 or 2). ConfigError when it is no such report, or when it
    was written with --max-findings and so does not list every finding."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the baseline: {exc.strerror or exc}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{path}: the baseline is not a JSON report ({exc})") from exc
    reports = data if isinstance(data, list) else [data]
    files: dict[str, Counter[Key]] = {}
    for report in reports:
        files[_name(report, path)] = _keys(report, path)
    return Baseline(str(path), files)


def _name(report: Any, path: Path) -> str:
    if not isinstance(report, dict) or not isinstance(report.get("file"), str):
        raise ConfigError(f"{path}: the baseline is not a JSON report of validate")
    return str(report["file"])


def _keys(report: dict[str, Any], path: Path) -> Counter[Key]:
    summary = report.get("summary") or {}
    listed, cap = summary.get("listed"), summary.get("max_findings")
    if cap is not None and isinstance(listed, int):
        total = summary.get("errors", 0) + summary.get("warnings", 0)
        if listed < total or summary.get("accepted", 0) > len(report.get("accepted", [])):
            raise ConfigError(
                f"{path}: the baseline was written with --max-findings {cap} and does not "
                "list every finding; write it without --max-findings"
            )
    keys: Counter[Key] = Counter()
    for item in (*report.get("failures", []), *report.get("accepted", [])):
        if not isinstance(item, dict) or not isinstance(item.get("rule"), str):
            raise ConfigError(f"{path}: a failure of the baseline has no rule")
        keys[(item["rule"], item.get("record_id"), item.get("column"), item.get("value"))] += 1
    return keys


def apply_baseline(report: Report, baseline: Baseline) -> Report:
    """*report* with the findings already in *baseline* moved to ``accepted``."""
    from toolkit.report import Findings

    known = baseline.for_file(report.file)
    base = replace(report, baseline=baseline.path)
    if report.unusable is not None or not known:
        return base
    if isinstance(report.findings, Findings):
        new, old = _split_frame(report.findings, known)
        return replace(base, findings=new, accepted=old, totals=None)
    left = Counter(known)
    kept: list[Finding] = []
    accepted: list[Finding] = []
    for f in report.findings:
        key = (f.rule, f.record_id, f.column, f.value)
        if left[key] > 0:
            left[key] -= 1
            accepted.append(f)
        else:
            kept.append(f)
    return replace(base, findings=tuple(kept), accepted=tuple(accepted), totals=None)


def _split_frame(findings: Any, known: Counter[Key]) -> tuple[Any, Any]:
    """The checker's findings split vectorised: the n-th finding of a key (in report order)
    is accepted while n is below the key's count in the baseline."""
    import polars as pl

    from toolkit.report import Findings

    counts = pl.DataFrame(
        [(*key, n) for key, n in known.items()],
        schema={**{name: pl.String for name in KEY}, "__baseline": pl.Int64},
        orient="row",
    )
    frame = (
        findings.frame.with_columns(pl.int_range(pl.len()).over(KEY).alias("__nth"))
        .join(counts, on=list(KEY), how="left", nulls_equal=True, maintain_order="left")
        .with_columns((pl.col("__nth") < pl.col("__baseline").fill_null(0)).alias("__old"))
    )
    old = frame.get_column("__old")
    return Findings(frame.filter(~old)), Findings(frame.filter(old))
