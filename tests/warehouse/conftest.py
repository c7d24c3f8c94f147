"""Engines for the warehouse tests: DuckDB (in process) and PySpark in local mode.

One Spark session serves the whole test run (``local[2]``, no UI, 2 shuffle partitions, UTC
session time zone). Tests marked ``spark`` use it; deselect them with ``-m "not spark"``.
"""

from __future__ import annotations

import importlib
import itertools
import os
import re
import shutil
import subprocess
import warnings

import ibis
import pandas as pd
import pytest

ENGINE_WARNINGS = (
    "ignore:PySpark does not yet fully support pandas:FutureWarning",
    "ignore:The 'future.infer_string' option is deprecated",
    "ignore:The copy keyword is deprecated",
    "ignore:Could not serialize pd.DataFrame.attrs:UserWarning",
    "ignore:fetch_arrow_table\\(\\) is deprecated:DeprecationWarning",
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "spark: runs on PySpark in local mode (Java 17; one session per run)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/warehouse" in str(item.path):
            for spec in ENGINE_WARNINGS:
                item.add_marker(pytest.mark.filterwarnings(spec))


def java_problem() -> str | None:
    """Why PySpark cannot start here (no ``java`` on PATH, or one older than 17), or None."""
    java = shutil.which("java")
    if java is None:
        return "no java on PATH"
    out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60)
    match = re.search(r'version "(\d+)', out.stderr + out.stdout)
    if match is None:
        return f"could not read the version of {java}"
    if int(match.group(1)) < 17:
        return f"{java} is Java {match.group(1)}"
    return None


@pytest.fixture(scope="session")
def spark_session(tmp_path_factory):
    """One local Spark session for the whole run, stopped at the end."""
    problem = java_problem()
    if problem:
        # On CI the Spark equivalence tests must run (make study installs Java there); on a
        # developer's machine without Java they are skipped with the reason, as the browser
        # test is without Chromium.
        message = f"the spark tests need Java 17 or newer: {problem} (`make java` installs it as root)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from pyspark.sql import SparkSession

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        spark = (SparkSession.builder.master("local[2]").appName("warehouse-tests")
                 .config("spark.ui.enabled", "false")
                 .config("spark.ui.showConsoleProgress", "false")
                 .config("spark.sql.shuffle.partitions", "2")
                 .config("spark.default.parallelism", "2")
                 .config("spark.sql.session.timeZone", "UTC")
                 .config("spark.sql.catalogImplementation", "in-memory")
                 .config("spark.sql.warehouse.dir", str(tmp_path_factory.mktemp("spark-warehouse")))
                 .config("spark.driver.memory", "1g")
                 .config("spark.sql.execution.arrow.pyspark.enabled", "true")
                 .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    yield spark
    spark.stop()


@pytest.fixture(scope="session")
def spark_con(spark_session):
    """An Ibis PySpark backend on the session."""
    return ibis.pyspark.connect(spark_session)


_names = itertools.count()


@pytest.fixture(params=["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def engine(request):
    """A function turning a pandas frame into an Ibis table on the engine under test."""
    if request.param == "duckdb":
        return ibis.memtable
    con = request.getfixturevalue("spark_con")
    spark = request.getfixturevalue("spark_session")

    def to_spark(df: pd.DataFrame):
        name = f"t{next(_names)}"
        frame = df.copy()
        frame.attrs = {}
        spark.createDataFrame(frame).createOrReplaceTempView(name)  # a view: nothing written to disk
        return con.table(name)

    return to_spark


def reference(name: str, *modules: str):
    """A pandas reference function, from the first of ``modules`` that has it (packages move)."""
    for module in modules:
        try:
            mod = importlib.import_module(module)
        except ImportError:
            continue
        if hasattr(mod, name):
            return getattr(mod, name)
    raise LookupError(f"reference {name!r} not found in {modules}")


@pytest.fixture(scope="session")
def ref():
    """``ref(name, *modules)``: look up a pandas reference function (see :func:`reference`)."""
    return reference


@pytest.fixture(scope="session")
def cdnow(ref):
    """The CDNOW 1/10 sample with returns and zero-value lines dropped (the notebook default)."""
    load = ref("load_cdnow", "helpers.btyd.cdnow", "helpers.segments")
    prepare = ref("prepare_transactions", "helpers.segments.load", "helpers.segments")
    clean, _ = prepare(load("data/raw/CDNOW_sample.txt"), returns="drop")
    return clean
