"""Great Expectations Data Docs for the runs of one call, published atomically.

A Site has its own ephemeral GX context whose Data Docs site is a staging folder beside the
target; each run is a Checkpoint with UpdateDataDocsAction, so GX renders it (the index
lists every run, failing expectations first). publish() then swaps the staging folder in
for the target. The target must be absent, empty, or a site this toolkit wrote (it holds
MARKER): any other folder is never replaced, nor one holding the files being validated.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.errors import ConfigError

if TYPE_CHECKING:
    from great_expectations import ExpectationSuite
    from great_expectations.core import ExpectationSuiteValidationResult

SITE = "event-toolkit"
MARKER = ".event-toolkit-data-docs"  # in every site this toolkit publishes


class Site:
    def __init__(self, directory: Path) -> None:
        from toolkit.gx.run import new_context

        directory = directory.absolute()  # GX wants an absolute base_directory
        if directory.is_symlink():
            directory = directory.resolve()  # replace the folder it points to, keep the link
        if directory.exists() and not _replaceable(directory):
            raise ConfigError(
                f"{directory}: --data-docs would replace a folder that is not a Data Docs site "
                "written by event-toolkit (give a new or empty folder)"
            )
        self.directory = directory
        self.created = _missing_parents(directory)
        try:
            directory.parent.mkdir(parents=True, exist_ok=True)
            staging = tempfile.mkdtemp(prefix=f".{directory.name}.", dir=directory.parent)
        except OSError as exc:
            self._remove_created()
            raise ConfigError(f"{directory}: cannot write Data Docs there ({exc})") from exc
        self.staging = Path(staging)
        umask = os.umask(0)
        os.umask(umask)
        self.staging.chmod(0o777 & ~umask)  # mkdtemp's 0700 would hide the site from others
        (self.staging / MARKER).write_text("Data Docs written by event-toolkit\n")
        self.context = new_context()
        self.context.add_data_docs_site(
            site_name=SITE,
            site_config={
                "class_name": "SiteBuilder",
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(self.staging),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            },
        )

    def run(
        self,
        suite: ExpectationSuite,
        data: dict[str, Any],
        parameters: dict[str, Any],
        result_format: dict[str, Any],
    ) -> ExpectationSuiteValidationResult:
        """Validate *data* with *suite* by a checkpoint that updates the site."""
        import great_expectations as gx
        from great_expectations.checkpoint.actions import UpdateDataDocsAction

        from toolkit.gx.run import whole_frame

        saved = self.context.suites.add(suite)
        definition = self.context.validation_definitions.add(
            gx.ValidationDefinition(name=suite.name, data=whole_frame(self.context), suite=saved)
        )
        checkpoint = self.context.checkpoints.add(
            gx.Checkpoint(
                name=definition.name,
                validation_definitions=[definition],
                actions=[UpdateDataDocsAction(name="data-docs", site_names=[SITE])],
                result_format=result_format,
            )
        )
        result = checkpoint.run(batch_parameters=data, expectation_parameters=parameters)
        (validation,) = result.run_results.values()
        return validation

    def publish(self) -> None:
        """Replace the target folder with the staged site (renames within one folder)."""
        old = None
        try:
            if self.directory.exists():
                old = self.directory.with_name(f"{self.staging.name}.old")
                self.directory.rename(old)
            self.staging.rename(self.directory)
        except OSError as exc:
            raise ConfigError(f"{self.directory}: cannot publish the Data Docs ({exc})") from exc
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def discard(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)
        self._remove_created()

    def _remove_created(self) -> None:
        """Remove the parent folders this site made, if they are still empty."""
        for folder in self.created:
            try:
                folder.rmdir()
            except OSError:
                return


def refuse_inputs_inside(directory: Path, inputs: tuple[Path, ...]) -> None:
    """ConfigError when a file being read lies inside the folder Data Docs would replace."""
    target = directory.absolute().resolve()
    for item in inputs:
        if item.absolute().resolve().is_relative_to(target):
            raise ConfigError(f"{directory}: --data-docs would replace a folder holding {item}")


def _replaceable(directory: Path) -> bool:
    if not directory.is_dir():
        return False
    return (directory / MARKER).is_file() or not any(directory.iterdir())


def _missing_parents(directory: Path) -> list[Path]:
    """The ancestors of *directory* that do not exist yet, deepest first."""
    return [parent for parent in directory.parents if not parent.exists()]
