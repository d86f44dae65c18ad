"""The Spark session the engine runs in: the caller's, the active one, or a new one."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from toolkit.errors import ToolkitError

INSTALL = "install it with: pip install 'event-toolkit[spark]'"
LOG_CONFIG = Path(__file__).with_name("log4j2.properties")  # errors only


def require_spark() -> None:
    """ToolkitError with the install line when pyspark is missing."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise ToolkitError(f"--engine spark needs pyspark: {INSTALL}") from None


def session(master: str | None = None, given: Any = None) -> Any:
    """*given* (a SparkSession) if any; else the active session when no *master* is asked
    for; else a session on *master* (default ``local[*]``: every core of this machine),
    whose Python workers run this interpreter."""
    require_spark()
    from pyspark.sql import SparkSession

    if given is not None:
        return given
    active = SparkSession.getActiveSession()
    if active is not None and master is None:
        return active
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # what local workers run
    spark = (
        SparkSession.builder.appName("event-toolkit")
        .master(master or "local[*]")
        .config("spark.pyspark.python", os.environ.get("PYSPARK_PYTHON", sys.executable))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        # parts of 32 MiB of text: a worker's polars frame of one part stays small
        .config("spark.sql.files.maxPartitionBytes", str(32 << 20))
        .config("spark.driver.memory", "2g")  # in local mode, also the workers' JVM
        .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={LOG_CONFIG}")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark
