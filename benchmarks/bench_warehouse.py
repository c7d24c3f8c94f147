"""Benchmark: the BTYD summary and revenue concentration on Parquet, DuckDB through Ibis vs polars.

1. Generate a seeded transaction log straight to Parquet, in chunks (default 100M rows / 10M
   customers, integer ids, two years of timestamps, USD amounts) in ``--dir`` (default
   ``/tmp/bench_warehouse``); free disk is checked first and an existing log of the same size is
   reused.
2. Run each implementation in a fresh process, reading the same Parquet files:
   ``ibis`` (:func:`helpers.warehouse.summary.summary_from_table` and
   :func:`helpers.warehouse.concentration.concentration_from_table` on DuckDB) and ``polars``
   (a plain lazy implementation collected with the streaming engine). Each process reports its
   task wall time and its peak resident set (``VmHWM``, its own address space).
3. Print rows, customers, Parquet size, time and peak memory per task, the time ratio
   ibis/polars (target <= 1.0) and peak memory / Parquet size (target <= 1.5), and check the two
   give the same numbers. Then Spark local (``local[2]``) on the first ``--spark-rows`` rows,
   time only.

Run: ``.venv/bin/python benchmarks/bench_warehouse.py [--rows N] [--customers K] [--no-spark]``.
The machine should be quiet: the timings compete with everything else on it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = 20261201
BYTES_PER_ROW = 16  # Parquet estimate (int64 id, timestamp, 2-decimal amount), checked against free disk
TASKS = ("summary", "concentration")
TOP_PCTS = [1.0, 5.0, 20.0]


def _hwm_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def generate(rows: int, customers: int, out: Path, chunk: int) -> list[Path]:
    """Write the log in chunks of ``chunk`` rows: part-00000.parquet, ...; every customer buys once."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    meta = out / "meta.json"
    want = {"rows": rows, "customers": customers, "seed": SEED, "chunk": chunk}
    if meta.is_file() and json.loads(meta.read_text()) == want:
        return sorted(out.glob("part-*.parquet"))
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    need = rows * BYTES_PER_ROW
    free = shutil.disk_usage(out).free
    if free < 3 * need:
        raise SystemExit(f"not enough free disk in {out}: {free / 1e9:.1f} GB free, need about "
                         f"{3 * need / 1e9:.1f} GB (3x the {need / 1e9:.1f} GB estimate); pass a smaller --rows")
    start = np.datetime64("2023-01-01T00:00:00", "us")
    first = np.random.default_rng(SEED).permutation(customers)
    files = []
    for i, lo in enumerate(range(0, rows, chunk)):
        n = min(chunk, rows - lo)
        rng = np.random.default_rng([SEED, i])
        cid = rng.integers(0, customers, n)
        head = first[lo:lo + n]  # the first `customers` rows cover every customer once
        cid[:len(head)] = head
        seconds = rng.integers(0, 730 * 86_400, n)
        date = start + seconds.astype("timedelta64[s]")
        amount = np.round(rng.lognormal(3.0, 1.0, n), 2)
        table = pa.table({"customer_id": cid, "date": date.astype("datetime64[us]"), "amount": amount})
        path = out / f"part-{i:05d}.parquet"
        pq.write_table(table, path)
        files.append(path)
    meta.write_text(json.dumps(want))
    return files


# --- workers (each in its own process) ----------------------------------------------------


def run_ibis(task: str, files: list[str], threads: int, memory_limit: str) -> dict:
    from helpers.warehouse.concentration import concentration_from_table, revenue_per_customer
    from helpers.warehouse.sources import duckdb_connection
    from helpers.warehouse.summary import summary_from_table

    con = duckdb_connection(threads=threads, memory_limit=memory_limit)
    t0 = time.perf_counter()
    t = con.read_parquet(files)
    settings = dict(con.con.execute("SELECT name, value FROM duckdb_settings() WHERE name IN "
                                    "('threads', 'memory_limit', 'preserve_insertion_order')").fetchall())
    if task == "summary":
        out = summary_from_table(t, freq="D")
        check = {"customers": len(out), "frequency": float(out["frequency"].sum()),
                 "monetary": float(out["monetary_value"].sum()), "T": float(out["T"].sum())}
    else:
        summary, lorenz = concentration_from_table(revenue_per_customer(t), top_pcts=TOP_PCTS, points=100)
        check = {k: float(v) for k, v in summary["value"].items()}
        check["lorenz_50"] = float(lorenz["revenue_share"].iloc[50])
    return {"seconds": time.perf_counter() - t0, "check": check, "settings": settings}


def run_polars(task: str, files: list[str], threads: int, memory_limit: str) -> dict:
    import math

    import polars as pl

    t0 = time.perf_counter()
    lf = pl.scan_parquet(files)
    if task == "summary":
        day = pl.col("date").dt.date().cast(pl.Int64)
        end_p = lf.select(day.max()).collect(engine="streaming").item()
        per = (lf.select(c=pl.col("customer_id"), p=day, a=pl.col("amount"))
               .filter(pl.col("p") <= end_p).group_by("c", "p").agg(s=pl.col("a").sum()))
        cust = per.group_by("c").agg(p0=pl.col("p").min(), p1=pl.col("p").max(), n=pl.len(),
                                     total=pl.col("s").sum(), first_s=pl.col("s").sort_by("p").first())
        out = cust.select(
            "c", frequency=(pl.col("n") - 1).cast(pl.Float64), recency=(pl.col("p1") - pl.col("p0")).cast(pl.Float64),
            T=(end_p - pl.col("p0")).cast(pl.Float64),
            monetary_value=pl.when(pl.col("n") > 1).then((pl.col("total") - pl.col("first_s")) / (pl.col("n") - 1))
            .otherwise(0.0)).sort("c").collect(engine="streaming")
        check = {"customers": out.height, "frequency": float(out["frequency"].sum()),
                 "monetary": float(out["monetary_value"].sum()), "T": float(out["T"].sum())}
    else:
        rev = (lf.group_by("customer_id").agg(x=pl.col("amount").sum()).select("x").sort("x")
               .collect(engine="streaming"))
        n, total = rev.height, float(rev["x"].sum())
        ranked = rev.with_columns(i=pl.int_range(1, n + 1, dtype=pl.Int64), cum=pl.col("x").cum_sum())
        g = ranked.select(((2 * pl.col("i") - n - 1).cast(pl.Float64) * pl.col("x")).sum()).item() / (n * total)
        desc = rev["x"].reverse()
        cum_desc = desc.cum_sum() / total
        check = {"customers": float(n), "gini": g}
        for pct in TOP_PCTS:
            k = max(int(math.ceil(n * pct / 100 - 1e-9)), 1)
            check[f"top_share.{pct:g}"] = float(desc.head(k).sum()) / total
        k_star = min(int((cum_desc < 0.9 - 1e-12).sum()) + 1, n)
        check["share_customers_for_90pct_revenue"] = k_star / n
        check["lorenz_50"] = float(ranked["cum"][(50 * n) // 100 - 1]) / total
    return {"seconds": time.perf_counter() - t0, "check": check}


def run_spark(task: str, files: list[str], threads: int, memory_limit: str) -> dict:
    import warnings

    import ibis
    from pyspark.sql import SparkSession

    from helpers.warehouse.concentration import concentration_from_table, revenue_per_customer
    from helpers.warehouse.summary import summary_from_table

    warnings.simplefilter("ignore")
    spark = (SparkSession.builder.master(f"local[{threads}]").config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false").config("spark.sql.shuffle.partitions", "16")
             .config("spark.driver.memory", "3g").config("spark.sql.session.timeZone", "UTC")
             .config("spark.sql.execution.arrow.pyspark.enabled", "true").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    con = ibis.pyspark.connect(spark)
    t0 = time.perf_counter()
    spark.read.parquet(*files).createOrReplaceTempView("transactions")  # Ibis passes a list as one path
    t = con.table("transactions")
    if task == "summary":
        out = summary_from_table(t, freq="D")
        check = {"customers": len(out), "frequency": float(out["frequency"].sum())}
    else:
        summary, _ = concentration_from_table(revenue_per_customer(t), top_pcts=TOP_PCTS, points=100)
        check = {k: float(v) for k, v in summary["value"].items()}
    seconds = time.perf_counter() - t0
    spark.stop()
    return {"seconds": seconds, "check": check}


WORKERS = {"ibis": run_ibis, "polars": run_polars, "spark": run_spark}


def worker(args: argparse.Namespace) -> None:
    files = json.loads(Path(args.files).read_text())
    result = WORKERS[args.worker](args.task, files, args.threads, args.memory_limit)
    result["peak_rss"] = _hwm_bytes()
    print("RESULT " + json.dumps(result))


def spawn(kind: str, task: str, files: list[Path], args: argparse.Namespace) -> dict:
    listing = Path(args.dir) / f"files-{kind}-{task}.json"
    listing.write_text(json.dumps([str(f) for f in files]))
    cmd = [sys.executable, __file__, "--worker", kind, "--task", task, "--files", str(listing),
           "--threads", str(args.threads), "--memory-limit", args.memory_limit]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    wall = time.perf_counter() - t0
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    if proc.returncode != 0 or not lines:
        raise SystemExit(f"{kind} {task} failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
    out = json.loads(lines[-1][len("RESULT "):])
    out["process_seconds"] = wall
    return out


def _same(a: dict, b: dict, rtol: float = 1e-9) -> list[str]:
    bad = []
    for k in a:
        if k in b and abs(a[k] - b[k]) > rtol * max(1.0, abs(a[k])):
            bad.append(f"{k}: {a[k]!r} vs {b[k]!r}")
    return bad


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000_000, help="transactions (default 100M)")
    ap.add_argument("--customers", type=int, default=None, help="customers (default rows / 10)")
    ap.add_argument("--chunk", type=int, default=5_000_000, help="rows per Parquet file")
    ap.add_argument("--dir", default="/tmp/bench_warehouse", help="where the Parquet log is written")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1, help="engine threads")
    ap.add_argument("--memory-limit", default="1GB", help="DuckDB memory limit (it spills beyond)")
    ap.add_argument("--spark-rows", type=int, default=10_000_000, help="rows for the Spark timing")
    ap.add_argument("--no-spark", action="store_true", help="skip the Spark timing")
    ap.add_argument("--keep", action="store_true", help="keep the Parquet log afterwards")
    ap.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    ap.add_argument("--task", choices=TASKS, help=argparse.SUPPRESS)
    ap.add_argument("--files", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        return worker(args)
    customers = args.customers or max(args.rows // 10, 1)
    out = Path(args.dir) / f"rows{args.rows}_cust{customers}"
    t0 = time.perf_counter()
    files = generate(args.rows, customers, out, args.chunk)
    size = sum(f.stat().st_size for f in files)
    print(f"log: {args.rows:,} rows, {customers:,} customers, {len(files)} Parquet files, "
          f"{size / 1e9:.2f} GB in {out} ({time.perf_counter() - t0:.0f} s to generate or find)")
    print(f"{'task':14} {'engine':7} {'time s':>8} {'process s':>10} {'peak RSS GB':>12} {'RSS/Parquet':>12}")
    ok = True
    for task in TASKS:
        res = {kind: spawn(kind, task, files, args) for kind in ("ibis", "polars")}
        for kind, r in res.items():
            print(f"{task:14} {kind:7} {r['seconds']:8.1f} {r['process_seconds']:10.1f} "
                  f"{r['peak_rss'] / 1e9:12.2f} {r['peak_rss'] / size:12.2f}")
        if task == TASKS[0]:
            print("  DuckDB settings: " + ", ".join(f"{k} = {v}" for k, v in sorted(res["ibis"]["settings"].items()))
                  + "; aggregates that outgrow memory_limit run in hash passes over the customers "
                  "(helpers.warehouse.sources.hash_passes); polars: streaming engine, default settings")
        ratio = res["ibis"]["seconds"] / res["polars"]["seconds"]
        mem = res["ibis"]["peak_rss"] / size
        diff = _same(res["ibis"]["check"], res["polars"]["check"])
        ok &= not diff
        print(f"{task:14} ibis/polars time ratio {ratio:.2f} (target <= 1.0); ibis peak RSS / Parquet "
              f"{mem:.2f} (target <= 1.5); results {'agree' if not diff else 'DIFFER: ' + '; '.join(diff)}")
    if not args.no_spark:
        n_files = max(1, min(len(files), -(-args.spark_rows // args.chunk)))
        sub = files[:n_files]
        rows = min(args.rows, n_files * args.chunk)
        for task in TASKS:
            r = spawn("spark", task, sub, args)
            print(f"{task:14} spark   {r['seconds']:8.1f} {r['process_seconds']:10.1f}   "
                  f"(local[{args.threads}], first {rows:,} rows; time only)")
    if not args.keep:
        shutil.rmtree(out)
    if not ok:
        raise SystemExit("the implementations disagree")


if __name__ == "__main__":
    main()
