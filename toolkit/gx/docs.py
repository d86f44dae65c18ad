"""Great Expectations Data Docs for the runs of one call, published atomically.

A Site has its own ephemeral GX context whose Data Docs site is a staging folder beside the
target; each run is a Checkpoint with UpdateDataDocsAction, so GX renders it (the index
lists every run, failing expectations first). publish() then swaps the staging folder in
for the target. The target must be absent, empty or an earlier Data Docs site (it has
index.html): a folder of other files is never replaced.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.errors import ConfigError

if TYPE_CHECKING:
    from great_expectations import ExpectationSuite
    from great_expectations.core import ExpectationSuiteValidationResult

SITE = "event-toolkit"


class Site:
    def __init__(self, directory: Path) -> None:
        from toolkit.gx.run import new_context

        if directory.exists() and not _replaceable(directory):
            raise ConfigError(
                f"{directory}: --data-docs would replace a folder that is not a Data Docs site"
            )
        self.directory = directory
        directory.parent.mkdir(parents=True, exist_ok=True)
        self.staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", dir=directory.parent))
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
        """Replace the target folder with the staged site (a rename within one folder)."""
        old = None
        if self.directory.exists():
            old = self.directory.with_name(f".{self.directory.name}.old-{self.staging.name}")
            self.directory.rename(old)
        self.staging.rename(self.directory)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def discard(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


def _replaceable(directory: Path) -> bool:
    if not directory.is_dir():
        return False
    return (directory / "index.html").is_file() or not any(directory.iterdir())
