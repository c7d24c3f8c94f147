"""Data contracts checked where the data are: counts of violating rows as Ibis expressions.

:func:`check` takes the same :class:`helpers.contracts.Schema` as the pandas loaders and raises
the same :class:`helpers.contracts.DataContractError`: the source, the schema, the column and rule,
how many rows break it, their values and a few example rows (customer ids pseudonymised with
:func:`helpers.privacy.pseudonymise`). Every rule is one ``sum`` in a single aggregation, so a
clean table costs one scan; examples are fetched only for the rule that failed. Row numbers are
not reported (an engine has no line order); the example rows say which rows.
"""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from helpers.contracts import BOOL_TEXT, MAX_LISTED, Column, DataContractError, Schema
from helpers.privacy import pseudonymise

TYPES = {"str": dt.string, "int": dt.int64, "float": dt.float64, "bool": dt.boolean,
         "date": dt.timestamp, "datetime": dt.timestamp, "datetime_tz": dt.Timestamp(timezone="UTC")}
_OFFSET = r"(Z|[+-]\d{2}(:?\d{2})?)$"


@ibis.udf.scalar.builtin(name="timezone", signature=((dt.string, dt.timestamp), dt.Timestamp(timezone="UTC")))
def _duckdb_timezone(zone, ts):
    """DuckDB's ``timezone(zone, naive)``: read a naive timestamp as local time in ``zone``."""


def _is_string(value: ir.Value) -> bool:
    return value.type().is_string()


def _empty(value: ir.Value) -> ir.BooleanValue:
    if _is_string(value):
        return value.isnull() | (value.strip() == "")
    return value.isnull()


def _typed(value: ir.Value, col: Column, tz: str | None) -> tuple[ir.Value, ir.BooleanValue | None,
                                                                      ir.BooleanValue | None]:
    """(typed value, mask of values that do not parse, mask of naive timestamps) for one column."""
    kind = col.kind
    if kind == "str":
        return (value.strip() if _is_string(value) else value.cast("string")), None, None
    text = value.strip() if _is_string(value) else None
    naive = None
    if kind in ("int", "float"):
        typed = text.try_cast("float64") if text is not None else value.cast("float64")
    elif kind == "bool":
        if text is not None:
            typed = text.lower().substitute({k: v for k, v in BOOL_TEXT.items()}, else_=ibis.null("boolean"))
        else:
            typed = value.cast("boolean")
    elif kind == "datetime_tz":
        if text is not None:
            naive = text.notnull() & ~text.re_search(_OFFSET)
            aware = text.try_cast(TYPES[kind])
            local = text.try_cast("timestamp")
            typed = (ibis.cases((naive, _duckdb_timezone(tz, local)), else_=aware) if tz else aware)
        elif value.type().is_timestamp() and value.type().timezone is None:
            naive = value.notnull()
            typed = _duckdb_timezone(tz, value) if tz else value.cast(TYPES[kind])
        else:
            typed = value.cast(TYPES[kind])
    else:
        typed = text.try_cast("timestamp") if text is not None else value.cast("timestamp")
        if value.type().is_timestamp() and value.type().timezone is not None:
            typed = value.cast(dt.Timestamp(timezone="UTC")).cast("timestamp")
        if kind == "date":
            typed = typed.truncate("D")
    bad = (text.notnull() & (text != "") & typed.isnull()) if text is not None else None
    return typed, bad, naive


def _where(source: str, schema: Schema) -> str:
    return f"{source} ({schema.name})"


def _examples(t: ir.Table, mask: ir.BooleanValue, cols: list[str]) -> list[dict[str, Any]]:
    rows = t.filter(mask).select(*cols).limit(MAX_LISTED).execute().to_dict("records")
    for row in rows:
        for k, v in row.items():
            if "customer" in k and v is not None and v == v:
                row[k] = pseudonymise(v)
            elif hasattr(v, "isoformat"):
                row[k] = str(v)
    return rows


def _values(t: ir.Table, mask: ir.BooleanValue, expr: ir.Value, column: str) -> str:
    vals = (t.filter(mask).select(**{"v": expr}).distinct().order_by("v").limit(MAX_LISTED)
            .execute()["v"].tolist())
    if "customer" in column:
        vals = [pseudonymise(v) for v in vals]
    return ", ".join(repr(v.item() if hasattr(v, "item") else v) for v in vals)


def check(t: ir.Table, schema: Schema, *, source: str = "<table>", tz: str | None = None) -> ir.Table:
    """Check a lazy table against ``schema`` on its engine; return it typed by the contract.

    Parameters
    ----------
    t : ibis Table
        From :func:`helpers.warehouse.sources.read_source` (CSV columns arrive as text).
    schema : Schema
        The table's contract (e.g. ``helpers.segments.schemas.TRANSACTIONS``).
    source : str
        Where it came from (file or ``URL table``), named in every error.
    tz : str, optional
        How to read naive timestamps in ``datetime_tz`` columns (DuckDB only); without it they
        are an error, as in :func:`helpers.contracts.validate`.

    Returns
    -------
    ibis Table
        The same rows, declared columns cast to the contract's types (``str`` stripped, ``date``
        truncated to the day, ``datetime_tz`` in UTC); other columns untouched. Lazy.

    Raises
    ------
    DataContractError
        Missing columns, no rows, empty values in a required column, values that do not parse,
        values outside ``allowed``/``low``/``high``, duplicate ``unique`` keys. The message
        names the source, the column and the rule, the number of rows, the values and up to
        five example rows.

    Notes
    -----
    One aggregation computes, for every column :math:`c` and rule :math:`r`, the count
    :math:`\\sum_i [\\text{row } i \\text{ breaks } r \\text{ on } c]`; duplicates are
    :math:`\\sum_k n_k [n_k > 1]` over the groups :math:`k` of the unique key.

    Examples
    --------
    >>> from helpers.contracts import Column, Schema
    >>> s = Schema("demo", (Column("amount", "float", low=0),))
    >>> check(ibis.memtable({"amount": ["1.5", " 2"]}), s).execute()["amount"].tolist()
    [1.5, 2.0]
    """
    where = _where(source, schema)
    missing = [c for c in schema.names if c not in t.columns]
    if missing:
        raise DataContractError(f"{where}: missing required column(s) {missing}; the file has {list(t.columns)}")
    cols = list(schema.columns) + [c for c in schema.optional if c.name in t.columns]
    id_cols = [c for c in t.columns if "customer" in c or c in schema.unique][:3]
    typed: dict[str, ir.Value] = {}
    rules: list[tuple[str, Column, ir.BooleanValue]] = []
    for col in cols:
        raw = t[col.name]
        empty = _empty(raw)
        value, bad, naive = _typed(raw, col, tz)
        typed[col.name] = value
        if not col.nullable:
            rules.append(("empty", col, empty))
        if bad is not None:
            rules.append(("parse", col, bad))
        if naive is not None and tz is None:
            rules.append(("naive", col, naive))
        if col.kind == "int":
            rules.append(("whole", col, value.notnull() & (value % 1 != 0)))
        if col.allowed is not None:
            rules.append(("allowed", col, value.notnull() & ~value.isin(list(col.allowed))))
        if col.low is not None:
            rules.append(("low", col, value.notnull() & (value < col.low)))
        if col.high is not None:
            rules.append(("high", col, value.notnull() & (value > col.high)))
    counts = t.aggregate(_rows=t.count(), **{f"r{i}": m.cast("int64").sum() for i, (_, _, m) in enumerate(rules)})
    got = counts.execute().iloc[0]
    if int(got["_rows"]) == 0:
        raise DataContractError(f"{where}: the table has no rows")
    for i, (rule, col, mask) in enumerate(rules):
        n = int(got[f"r{i}"] or 0)
        if n:
            _raise(t, where, rule, col, mask, n, typed, id_cols)
    out = t.mutate(**{c.name: typed[c.name] for c in cols})
    if schema.unique:
        key = list(schema.unique)
        groups = out.group_by(key).aggregate(_n=out.count())
        dups = groups.filter(groups._n > 1)
        n_dup = int(dups._n.sum().fill_null(0).execute())
        if n_dup:
            example = dups.order_by(key).select(*key).limit(MAX_LISTED).execute().to_dict("records")
            for row in example:
                for k in row:
                    if "customer" in k:
                        row[k] = pseudonymise(row[k])
            raise DataContractError(f"{where}: duplicate ({', '.join(key)}) in {n_dup} row(s), e.g. {example}")
    for col in cols:  # final types (int from the float parse; bool and str already typed)
        if col.kind == "int":
            out = out.mutate(**{col.name: out[col.name].cast("int64")})
    return out


def _raise(t: ir.Table, where: str, rule: str, col: Column, mask: ir.BooleanValue, n: int,
           typed: dict[str, ir.Value], id_cols: list[str]) -> None:
    name = col.name
    raw = t[name]
    shown = [name] + [c for c in id_cols if c != name]
    eg = _examples(t, mask, shown)
    tail = f" (e.g. {eg})"
    if rule == "empty":
        raise DataContractError(f"{where}: column {name!r} has empty values in {n} row(s){tail}")
    if rule == "naive":
        raise DataContractError(
            f"{where}: column {name!r} has timestamps without a timezone in {n} row(s){tail}; give them an "
            "offset (e.g. 2024-03-04T12:30:00+09:00) or pass the timezone parameter to say how to read them")
    vals = _values(t, mask, raw if rule in ("parse", "whole") else typed[name], name)
    what = {"parse": {"int": "must be numeric", "float": "must be numeric", "bool": "must be true/false"}
            .get(col.kind, "must be an ISO date/time"),
            "whole": "must hold whole numbers",
            "allowed": f"allows only {list(col.allowed or ())}",
            "low": f"must be >= {col.low}", "high": f"must be <= {col.high}"}[rule]
    raise DataContractError(f"{where}: column {name!r} {what}; {n} row(s) have {vals}{tail}")
