"""Buy-till-you-die tools shared by notebooks 04 and 06.

- :mod:`helpers.btyd.cdnow` — ``load_cdnow``: the CDNOW purchase log (master and sample layouts).
- :mod:`helpers.btyd.summary` — ``summary_from_transactions``: per-customer frequency, recency,
  T and monetary value (``lifetimes`` conventions), computed with DuckDB.
- :mod:`helpers.btyd.clv` — BG/NBD and Gamma-Gamma fits, expectations and CLV.
- :mod:`helpers.btyd.schemas` — the ``transactions`` table schema.
"""
