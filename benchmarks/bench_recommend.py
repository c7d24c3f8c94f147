"""Notebook 07 at scale: popularity and co-occurrence counts on DuckDB (Ibis, helpers.recommend.engine)
against a plain polars lazy implementation reading the same Parquet, each in a fresh process, outputs
checked equal; time and peak memory (RSS) as ratios measured in one run.

    python benchmarks/bench_recommend.py                 # 10M events / 100k products / 1M shoppers
    python benchmarks/bench_recommend.py --rows 1000000  # what `make bench` runs
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SPLIT = "2025-06-01"
MIN_SHOPPERS = 3


def generate(path: Path, rows: int, products: int, shoppers: int, seed: int = 7) -> None:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    item = (rng.zipf(1.3, rows) - 1) % products
    user = rng.integers(0, shoppers, rows)
    t = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 181 * 86400, rows), unit="s")
    ev = rng.choice(np.array(["view", "cart_add", "purchase"]), rows, p=[0.7, 0.18, 0.12])
    pd.DataFrame({"event_time": t.astype("datetime64[us]"), "customer_id": np.char.add("U", user.astype(str)),
                  "event": ev, "product_id": np.char.add("P", item.astype(str))}).to_parquet(path)


def run_engine(path: str) -> dict:
    import ibis

    from helpers.recommend.engine import co_occurrence_from_table, popularity_from_table

    t = ibis.read_parquet(path)
    pop = popularity_from_table(t, SPLIT)
    co = co_occurrence_from_table(t, SPLIT, min_shoppers=MIN_SHOPPERS)
    return {"pop": int(pop["buyers"].sum()), "pairs": len(co), "co": int(co["shoppers"].sum())}


def run_polars(path: str) -> dict:
    import datetime as dt

    import polars as pl

    cut = dt.datetime(2025, 6, 1)
    lf = pl.scan_parquet(path).filter(pl.col("event_time") < cut)
    pop = (lf.filter(pl.col("event") == "purchase").group_by("product_id")
           .agg(pl.col("customer_id").n_unique().alias("buyers")).collect())
    pairs = lf.select("customer_id", "product_id").unique()
    co = (pairs.join(pairs, on="customer_id", suffix="_b").filter(pl.col("product_id") < pl.col("product_id_b"))
          .group_by("product_id", "product_id_b").agg(pl.len().alias("shoppers"))
          .filter(pl.col("shoppers") >= MIN_SHOPPERS).collect())
    return {"pop": int(pop["buyers"].sum()), "pairs": co.height, "co": int(co["shoppers"].sum())}


def child(which: str, path: str) -> None:
    start = time.perf_counter()
    out = (run_engine if which == "engine" else run_polars)(path)
    out["seconds"] = time.perf_counter() - start
    out["peak_gb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2
    print(json.dumps(out))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--products", type=int, default=100_000)
    ap.add_argument("--shoppers", type=int, default=1_000_000)
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    ap.add_argument("--generate", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        child(*a.child)
        return
    scale = a.rows / 10_000_000
    if a.generate:
        generate(Path(a.generate), a.rows, max(1000, int(a.products * scale)), max(10_000, int(a.shoppers * scale)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "events.parquet"
        # generated in its own process: Linux keeps a parent's peak RSS across fork + exec, so a
        # parent that built the data would inflate both children's measured peaks
        subprocess.run([sys.executable, __file__, "--generate", str(path), "--rows", str(a.rows),
                        "--products", str(a.products), "--shoppers", str(a.shoppers)], check=True)
        size = path.stat().st_size / 1024 ** 3
        res = {}
        for which in ("engine", "polars"):
            proc = subprocess.run([sys.executable, __file__, "--child", which, str(path)], capture_output=True,
                                  text=True, check=True)
            res[which] = json.loads(proc.stdout.strip().splitlines()[-1])
        e, p = res["engine"], res["polars"]
        same = all(e[k] == p[k] for k in ("pop", "pairs", "co"))
        print(f"{a.rows:,} events, Parquet {size:.3f} GB; pairs with >= {MIN_SHOPPERS} co-shoppers: {e['pairs']:,}; "
              f"outputs equal: {same}")
        print(f"DuckDB (Ibis) {e['seconds']:.1f} s, peak {e['peak_gb']:.2f} GB | polars {p['seconds']:.1f} s, "
              f"peak {p['peak_gb']:.2f} GB | time ratio {e['seconds'] / p['seconds']:.2f}, "
              f"memory ratio {e['peak_gb'] / p['peak_gb']:.2f}")
        if not same:
            raise SystemExit("outputs differ")


if __name__ == "__main__":
    main()
