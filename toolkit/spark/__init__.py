"""The Spark engine (``--engine spark``, the ``spark`` extra): see toolkit.spark.engine.

Importing this package imports neither pyspark nor the engine; ``validate_spark`` does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from toolkit.report import Report


def validate_spark(*args: Any, **kwargs: Any) -> Report:
    """toolkit.spark.engine.validate_spark (imported on first use)."""
    from toolkit.spark.engine import validate_spark as run

    return run(*args, **kwargs)
