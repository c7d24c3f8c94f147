"""Name a transaction-level input once: a CSV file, Parquet files, or a table in a database.

A *source* is one string (a notebook parameter such as ``transactions_path``) and, for a
database, a table name (a second parameter such as ``transactions_table``):

========================================  ==========================================================
source                                    what is read
========================================  ==========================================================
``data/raw/tx.csv`` (``.csv``, ``.csv.gz``,  a CSV file with a header line; every column is read as
``.tsv``)                                 text and cast by the table's contract
``data/tx.parquet``, ``/lake/tx/*.parquet``  one Parquet file, a glob, or a folder of ``*.parquet``
``duckdb:///abs/path/shop.duckdb``        table ``table`` of a DuckDB database file (read-only);
``duckdb://data/shop.duckdb``             a relative path is read against the project root
``postgres://user@host/db`` (any Ibis URL)  table ``table`` of that backend (BigQuery, Snowflake,
                                          Trino, ...: expected to work, not tested here)
========================================  ==========================================================

``table`` may carry a schema (``analytics.transactions``). Relative file paths are read against
the project root, as every data parameter is. Nothing is read into pandas: the result is a lazy
Ibis table on ``con`` (default: one in-process DuckDB connection shared by all sources, so tables
from different files can be joined). A DuckDB file is attached to that connection read-only.
"""

from __future__ import annotations

import functools
import glob
import numbers
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from helpers.config import resolve_path
from helpers.contracts import DataContractError
from helpers.params import ParameterError

CSV_SUFFIXES = (".csv", ".csv.gz", ".tsv", ".tsv.gz")
PARQUET_SUFFIXES = (".parquet", ".parq", ".pq")
DEFAULT_MEMORY_LIMIT = "2GB"
# DuckDB's hash aggregate holds about this many bytes per group (key, states, hash, row pointers):
# measured on the (customer, day) groups of benchmarks/bench_warehouse.py, 25M groups in a 1 GB limit
BYTES_PER_GROUP = 40
# ... and about this many for the revenue per customer (a 10M-customer sum spilled in a 1 GB limit,
# 8.2 s, and took 1.35 GB of memory unconstrained, 5.3 s; in 2 passes, 5.5 s)
BYTES_PER_CUSTOMER = 120
MAX_PASSES = 64
_UNITS = {"": 1, "b": 1, "bytes": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12,
          "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}
_URL = re.compile(r"^(?P<scheme>[a-z][a-z0-9+.\-]*)://(?P<rest>.*)$", re.IGNORECASE)


@dataclass(frozen=True)
class SourceSpec:
    """A parsed source: ``kind`` is ``csv``, ``parquet`` or ``table``; ``location`` a path or URL."""

    kind: str
    location: str
    table: str | None = None
    param: str = "source"

    @property
    def label(self) -> str:
        """How errors name the source: the path, or ``URL table``."""
        return f"{self.location} table {self.table!r}" if self.kind == "table" else self.location


def parse_source(source: str | Path, *, table: str | None = None, param: str = "source") -> SourceSpec:
    """Classify a source string (see the module docstring for the forms).

    Parameters
    ----------
    source : str or Path
        A CSV path, a Parquet path or glob or folder, or a connection URL.
    table : str, optional
        Table name; required with a URL, refused with a file.
    param : str
        The notebook parameter that gave ``source``, named in errors.

    Returns
    -------
    SourceSpec

    Raises
    ------
    ParameterError
        Empty source, a URL without ``table``, a file with ``table``, an unknown file type.

    Examples
    --------
    >>> parse_source("data/tx.parquet").kind
    'parquet'
    >>> parse_source("duckdb:///tmp/shop.duckdb", table="tx").label
    "duckdb:///tmp/shop.duckdb table 'tx'"
    """
    if not isinstance(source, (str, Path)) or str(source).strip() == "":
        raise ParameterError(f"parameter {param!r} must be a file path or a connection URL, got {source!r}")
    text = str(source).strip()
    if _URL.match(text) and not text.lower().startswith("file://"):
        if not table:
            raise ParameterError(f"parameter {param!r} = {text!r} is a database URL; name the table too "
                                 "(e.g. table='transactions')")
        return SourceSpec("table", text, table, param)
    if text.lower().startswith("file://"):
        text = text[len("file://"):]
    if table:
        raise ParameterError(f"parameter {param!r} = {text!r} is a file; a table name ({table!r}) only "
                             "goes with a database URL such as duckdb:///path/shop.duckdb")
    lower = text.lower()
    if lower.endswith(CSV_SUFFIXES):
        return SourceSpec("csv", text, None, param)
    if lower.endswith(PARQUET_SUFFIXES) or resolve_path(text).is_dir():
        return SourceSpec("parquet", text, None, param)
    raise ParameterError(f"parameter {param!r} = {text!r}: unknown file type; use a .csv file, a .parquet "
                         "file, glob or folder, or a database URL such as duckdb:///path/shop.duckdb")


@functools.lru_cache(maxsize=1)
def default_connection() -> ibis.BaseBackend:
    """The shared in-process DuckDB connection (all cores, 2GB memory limit, spills to /tmp)."""
    return duckdb_connection()


def duckdb_connection(threads: int | None = None, memory_limit: str = DEFAULT_MEMORY_LIMIT,
                      database: str = ":memory:") -> ibis.BaseBackend:
    """A new Ibis DuckDB connection with ``threads`` (default: the core count) and a memory limit.

    Parameters
    ----------
    threads : int, optional
        Worker threads; ``None`` uses every core.
    memory_limit : str
        DuckDB's memory limit, e.g. ``"1GB"`` (it spills to disk above it).
    database : str
        ``":memory:"`` or the path of a DuckDB database file.

    Returns
    -------
    ibis.BaseBackend

    Examples
    --------
    >>> con = duckdb_connection(threads=1, memory_limit="256MB")
    >>> int(con.execute(ibis.literal(1) + 1))
    2
    """
    con = ibis.duckdb.connect(database, threads=int(threads or os.cpu_count() or 1),
                              memory_limit=memory_limit, preserve_insertion_order=False,
                              temp_directory=str(Path(tempfile.gettempdir()) / "helpers_warehouse_duckdb"))
    return con


def _files(spec: SourceSpec) -> list[str]:
    path = resolve_path(spec.location)
    if spec.kind == "parquet" and path.is_dir():
        found = sorted(glob.glob(str(path / "**" / "*.parquet"), recursive=True))
        if not found:
            raise ParameterError(f"parameter {spec.param!r}: folder {spec.location!r} holds no *.parquet "
                                 f"files (looked in {path})")
        return [str(path / "**" / "*.parquet")]
    if glob.has_magic(str(path)):
        if not glob.glob(str(path), recursive=True):
            raise ParameterError(f"parameter {spec.param!r}: no file matches {spec.location!r} "
                                 f"(looked for {path})")
        return [str(path)]
    if not path.is_file():
        raise ParameterError(f"parameter {spec.param!r}: file {spec.location!r} not found (looked at {path})")
    return [str(path)]


def _is_duckdb(con: Any) -> bool:
    return getattr(con, "name", "") == "duckdb"


def _attach_name(path: Path) -> str:
    return "src_" + re.sub(r"\W", "_", path.stem).lower() + f"_{abs(hash(str(path))) % 10**8}"


def _open_table(spec: SourceSpec, con: Any) -> ir.Table:
    match = _URL.match(spec.location)
    scheme, rest = match.group("scheme").lower(), match.group("rest")
    database, _, name = spec.table.rpartition(".")
    if scheme == "duckdb":
        path = resolve_path(rest) if not rest.startswith("/") else Path(rest)
        if not path.is_file():
            raise ParameterError(f"parameter {spec.param!r}: DuckDB file {str(path)!r} of {spec.location!r} "
                                 "not found")
        if con is None or _is_duckdb(con):
            con = con or default_connection()
            alias = _attach_name(path)
            attached = {r[0] for r in con.con.execute("SELECT database_name FROM duckdb_databases()").fetchall()}
            if alias not in attached:
                con.attach(str(path), alias, read_only=True)
            where: Any = (alias, database or "main")
        else:
            raise ParameterError(f"parameter {spec.param!r}: a DuckDB file cannot be read through the "
                                 f"{con.name} connection; pass con=None or copy the table to Parquet")
    else:
        if con is not None:
            raise ParameterError(f"parameter {spec.param!r}: {spec.location!r} opens its own connection; "
                                 "do not pass con as well")
        try:
            con = ibis.connect(spec.location)
        except Exception as exc:  # backend-specific errors: re-raised naming the parameter
            raise ParameterError(f"parameter {spec.param!r}: cannot connect to {spec.location!r} ({exc})") from exc
        where = database or None
    try:
        return con.table(name, database=where)
    except Exception as exc:  # TableNotFound or a backend's own error
        raise ParameterError(f"parameter {spec.param!r}: table {spec.table!r} not found in "
                             f"{spec.location!r}{_table_list(con, where)}") from exc


def _table_list(con: Any, where: Any) -> str:
    try:
        if _is_duckdb(con):
            catalog, schema = where
            rows = con.con.execute("SELECT table_name FROM information_schema.tables WHERE table_catalog = ? "
                                   "AND table_schema = ? ORDER BY 1", [catalog, schema]).fetchall()
            names = [r[0] for r in rows]
        else:
            names = sorted(con.list_tables(database=where))
    except Exception:  # listing is a courtesy; the error above stands without it
        return ""
    return f"; it has {names}"


def read_source(source: str | Path | ir.Table, *, table: str | None = None, param: str = "source",
                con: Any = None, columns: dict[str, str] | None = None) -> ir.Table:
    """Open a source as a lazy Ibis table (nothing is read into pandas).

    Parameters
    ----------
    source : str, Path or ibis Table
        See the module docstring; an Ibis table is returned as it is (e.g. one built on Spark).
    table : str, optional
        Table name for a database URL (``schema.table`` allowed).
    param : str
        The notebook parameter that gave ``source``, named in errors.
    con : Ibis backend, optional
        Where CSV and Parquet files are read (e.g. ``ibis.pyspark.connect(spark)``); default
        :func:`default_connection`. Another URL opens its own connection.
    columns : dict, optional
        CSV only: column name -> type (``"string"``, ``"int64"`` ...) to read with; by default
        every CSV column is read as text (leading zeros of ids kept) and typed by the contract
        (:func:`helpers.warehouse.contracts.check`).

    Returns
    -------
    ibis Table, lazy.

    Raises
    ------
    ParameterError
        Naming ``param`` and the file, glob or table: missing file, empty glob, unknown table.
    DataContractError
        If a file cannot be read as CSV/Parquet.

    Examples
    --------
    >>> t = read_source("data/synthetic/coupons_orders.csv", param="orders_path")
    >>> t.columns[:2]
    ('order_id', 'customer_id')
    """
    if isinstance(source, ir.Table):
        return source
    spec = parse_source(source, table=table, param=param)
    if spec.kind == "table":
        return _open_table(spec, con)
    files = _files(spec)
    con = con if con is not None else default_connection()
    try:
        if spec.kind == "parquet":
            return con.read_parquet(files if len(files) > 1 else files[0])
        if _is_duckdb(con):
            if columns:
                return con.read_csv(files[0], types=columns, header=True)
            return con.read_csv(files[0], all_varchar=True, header=True)
        return con.read_csv(files[0], header=True, inferSchema=False)
    except ParameterError:
        raise
    except Exception as exc:  # the engine's parse error, re-raised naming the file
        raise DataContractError(f"{spec.location}: cannot be read as {spec.kind.upper()} "
                                f"({type(exc).__name__}: {str(exc).splitlines()[0]})") from exc


def require_columns(t: ir.Table, columns: list[str] | tuple[str, ...], *, source: str = "<table>") -> None:
    """Raise :class:`DataContractError` naming ``source`` if any of ``columns`` is missing from ``t``.

    Parameters
    ----------
    t : ibis.Table
    columns : sequence of str
        The columns the caller needs.
    source : str
        How the error names the table.

    Raises
    ------
    DataContractError
        Listing the missing columns and the ones the table has.

    Examples
    --------
    >>> require_columns(ibis.memtable({"a": [1]}), ["a"])
    """
    missing = [c for c in columns if c not in t.columns]
    if missing:
        raise DataContractError(f"{source}: missing required column(s) {missing}; it has {list(t.columns)}")


_TEMP = iter(range(10**9))


def materialize_in_passes(t: ir.Table, build, col: str, passes: int) -> ir.Table:
    """``build(t)`` computed in ``passes`` hash buckets of ``t[col]``, appended into one table on the engine.

    For an aggregate grouped by ``col`` (each group is in exactly one bucket) that would outgrow
    the engine's memory in one query. DuckDB: ``CREATE TEMP TABLE`` from the first bucket, then an
    ``INSERT`` per bucket; other engines: ``build(t)`` in one query, cached.

    Parameters
    ----------
    t : ibis.Table
        The rows (e.g. transactions).
    build : callable
        ``build(rows) -> ibis.Table``, grouped by ``col``.
    col : str
        The bucketed column.
    passes : int >= 1

    Returns
    -------
    ibis.Table

    Examples
    --------
    >>> t = ibis.memtable({"c": ["a", "b", "a", "c"], "x": [1.0, 2.0, 3.0, 4.0]})
    >>> out = materialize_in_passes(t, lambda s: s.group_by("c").aggregate(x=s.x.sum()), "c", 3)
    >>> sorted(out.execute().itertuples(index=False, name=None))
    [('a', 4.0), ('b', 2.0), ('c', 4.0)]
    """
    con = t._find_backend(use_default=True)
    if passes == 1 or not _is_duckdb(con):
        return materialize(build(t))
    name = f"_helpers_tmp_{os.getpid()}_{next(_TEMP)}"
    for k in range(passes):
        part = build(t.filter(in_bucket(t[col], passes, k)))
        con._run_pre_execute_hooks(part)
        sql = con.compile(part)
        con.con.execute(f'CREATE TEMP TABLE "{name}" AS {sql}' if k == 0 else f'INSERT INTO "{name}" {sql}')
    return con.table(name)


def materialize(expr: ir.Table) -> ir.Table:
    """Compute ``expr`` once on its engine and return a table over the result (stays on the engine).

    DuckDB: a ``CREATE TEMP TABLE ... AS`` through the native connection (Ibis 12's ``cache`` and
    ``create_table`` fail on duckdb 2.0); Spark and other backends: ``Table.cache()``. Use it when
    several queries read one aggregate (e.g. revenue per customer), so the raw rows are scanned once.

    Parameters
    ----------
    expr : ibis.Table
        Any table expression.

    Returns
    -------
    ibis.Table
        A table over the computed result, on the same backend.

    Examples
    --------
    >>> t = materialize(ibis.memtable({"a": [1, 2]}).mutate(b=ibis._.a * 2))
    >>> int(t.b.sum().execute())
    6
    """
    con = expr._find_backend(use_default=True)
    if _is_duckdb(con):
        name = f"_helpers_tmp_{os.getpid()}_{next(_TEMP)}"
        con._run_pre_execute_hooks(expr)
        con.con.execute(f'CREATE TEMP TABLE "{name}" AS {con.compile(expr)}')
        return con.table(name)
    return expr.cache()


@ibis.udf.scalar.builtin(name="hash")
def _duckdb_hash(arg) -> dt.uint64:
    """DuckDB's ``hash(arg)``: an unsigned 64-bit hash of any value."""


def memory_limit_bytes(con: ibis.BaseBackend) -> int | None:
    """DuckDB's memory limit in bytes (``current_setting('memory_limit')``); None on other engines.

    Examples
    --------
    >>> memory_limit_bytes(duckdb_connection(threads=1, memory_limit="512MB")) > 400 * 2**20
    True
    """
    if not _is_duckdb(con):
        return None
    text = str(con.con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]).strip().lower()
    m = re.fullmatch(r"([0-9.]+)\s*([a-z]*)", text)
    if not m or m.group(2) not in _UNITS:
        return None
    return int(float(m.group(1)) * _UNITS[m.group(2)])


def hash_passes(con: ibis.BaseBackend, groups: int, *, bytes_per_group: int = BYTES_PER_GROUP) -> int:
    """How many passes keep a hash aggregate of ``groups`` groups inside the engine's memory limit.

    DuckDB spills a hash aggregate that outgrows its memory limit to disk, and at 100M rows that
    took longer than reading the Parquet several times: ``benchmarks/bench_warehouse.py``'s
    summary (100M rows, 1 GB limit, 2 cores) ran 51.4 s in one pass and 28.2 s in 5 passes over
    hash buckets of the customers. Other engines plan their own memory: always 1.

    The estimate counts the aggregate only, not the pass's result, which DuckDB holds too: below
    about 32MB (1.1M lines in 3 passes at 16MB) a run can still run out of memory; raise the
    limit or pass ``passes`` yourself.

    Parameters
    ----------
    con : ibis backend
        The engine that runs the aggregate.
    groups : int
        An upper bound on the groups (e.g. the row count for (customer, period) groups).
    bytes_per_group : int
        Memory per group.

    Returns
    -------
    int
        Between 1 and ``MAX_PASSES``.

    Examples
    --------
    >>> con = duckdb_connection(threads=1, memory_limit="1GB")
    >>> hash_passes(con, 1_000), hash_passes(con, 10**8)
    (1, 5)
    """
    limit = memory_limit_bytes(con)
    if limit is None or groups <= 0:
        return 1
    return int(min(MAX_PASSES, max(1, -(-int(groups) * bytes_per_group // limit))))


def check_passes(passes: Any) -> None:
    """Raise :class:`ParameterError` unless ``passes`` is None or a whole number >= 1.

    Examples
    --------
    >>> check_passes(None), check_passes(3)
    (None, None)
    """
    if passes is not None and (isinstance(passes, bool) or not isinstance(passes, numbers.Integral) or passes < 1):
        raise ParameterError(f"parameter 'passes' = {passes!r} must be a whole number >= 1 (or None)")


def in_bucket(col: ir.Value, passes: int, k: int) -> ir.BooleanValue:
    """True for the rows whose ``col`` hashes to bucket ``k`` of ``passes`` (every value in exactly one).

    On DuckDB its unsigned ``hash``; elsewhere Ibis's ``hash()`` (signed, so the bucket is taken
    of its absolute remainder).

    Examples
    --------
    >>> t = ibis.memtable({"c": ["a", "b", "c", "d", "e"]})
    >>> sum(int(t.filter(in_bucket(t.c, 3, k)).count().execute()) for k in range(3))
    5
    """
    if passes == 1:
        return ibis.literal(True)
    if _is_duckdb(col._find_backend(use_default=True)):
        return _duckdb_hash(col) % passes == k
    return (col.hash() % passes).abs() == k
