"""Warehouse scale: transaction-level inputs read lazily and aggregated by the engine (Ibis).

- :mod:`~helpers.warehouse.sources` — name an input once (CSV, Parquet file/glob/folder, or a
  database table by Ibis URL + table); :func:`read_source` returns a lazy Ibis table.
- :mod:`~helpers.warehouse.contracts` — :func:`check`: the table contracts of
  :mod:`helpers.contracts` as counts of violating rows on the engine, same messages.
- :mod:`~helpers.warehouse.summary` — the BTYD per-customer summary and the RFM customer table.
- :mod:`~helpers.warehouse.rfm` — RFM quantile scores and named segments.
- :mod:`~helpers.warehouse.concentration` — top-x% revenue shares, Lorenz points, Gini.
- :mod:`~helpers.warehouse.baskets` — bought-together pair counts, support, confidence, lift.
- :mod:`~helpers.warehouse.coupons` — per-customer campaign outcomes and holdout sums.
- :mod:`~helpers.warehouse.cadence` — send intervals per stage and their quantiles.

Every aggregation takes Ibis tables and returns a small pandas frame shaped like its pandas
reference in the domain packages (tested equal on DuckDB and on PySpark in local mode).
"""
