"""Benchmark: the per-customer BTYD summary on 10M transactions / 1M customers.

Compares :func:`helpers.btyd.summary.summary_from_transactions` (pandas in, DuckDB inside, pandas
out) with a plain polars implementation of the same summary, in the same run:

1. generate a seeded transaction log in memory (default 10M rows, 1M customers, string ids
   like CDNOW's) and write it once to a parquet file in a temporary folder;
2. run each implementation in a fresh subprocess that imports its libraries, notes its
   resident-set high-water mark (``VmHWM``: ``ru_maxrss`` of its own address space) as the
   baseline, reads the parquet file into its own frame (pandas / polars), times the summary
   (best of ``--repeat``) and reports the high-water mark minus the baseline (so native
   DuckDB/polars memory counts; tracemalloc would not see it). The high-water mark is reset
   after loading (``/proc/self/clear_refs``), so the peak is the summary's own, counting the
   input frame that stays resident; the loading peak is printed separately;
3. check the two outputs agree, and print input size, time, peak memory, the time ratio
   helper/polars (target <= 1.3) and peak memory / input size (target <= 3x).

Run: ``.venv/bin/python benchmarks/bench_rfm_summary.py [--rows N] [--customers K] [--ids str|int]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = 20261126
MEMORY_LIMIT = "1536MB"


def _status_bytes(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024  # kB
    except OSError:
        return None
    return None


def _reset_peak() -> bool:
    """Reset this process's VmHWM to its current RSS (Linux >= 4.0); False if not possible."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _maxrss_bytes() -> int:
    """Peak resident set of this process's own address space.

    ``VmHWM`` from /proc (Linux) rather than ``ru_maxrss``: a process started by (v)fork + exec
    inherits the parent's high-water mark in ``ru_maxrss``, which would hide the worker's peak.
    """
    hwm = _status_bytes("VmHWM")
    return hwm if hwm is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def generate(rows: int, customers: int, ids: str, path: Path, seed: int = SEED) -> dict:
    """Write a seeded log: every customer buys at least once; dates over 2 years; USD amounts."""
    import numpy as np
    import polars as pl

    rng = np.random.default_rng(seed)
    cid = np.concatenate([rng.permutation(customers), rng.integers(0, customers, rows - customers)])
    days = rng.integers(0, 730, rows)
    seconds = rng.integers(0, 86_400, rows)
    date = (np.datetime64("2023-01-01", "s") + days.astype("timedelta64[D]")
            + seconds.astype("timedelta64[s]")).astype("datetime64[us]")
    amount = np.round(rng.lognormal(3.0, 1.0, rows), 2)
    frame = pl.DataFrame({"customer_id": cid, "date": date, "amount": amount})
    if ids == "str":
        frame = frame.with_columns(pl.col("customer_id").cast(pl.String).str.zfill(7))
    frame.write_parquet(path)
    return {"rows": rows, "customers": customers, "ids": ids,
            "parquet_bytes": path.stat().st_size, "polars_frame_bytes": int(frame.estimated_size())}


# --- the two implementations, each run in its own process ------------------------------------

def polars_summary(frame):  # noqa: ANN001, ANN201 - polars only imported in the worker
    """Plain polars: the same conventions as the helper (freq D, end = last purchase day)."""
    import polars as pl

    per = (frame.lazy()
           .with_columns(p=pl.col("date").cast(pl.Date).cast(pl.Int64))
           .group_by("customer_id", "p").agg(s=pl.col("amount").sum()))
    cust = per.group_by("customer_id").agg(
        p0=pl.col("p").min(), p1=pl.col("p").max(), n=pl.len(), total=pl.col("s").sum(),
        first_s=pl.col("s").sort_by("p").first())
    end = pl.col("p1").max()
    return (cust.select(
        "customer_id",
        frequency=(pl.col("n") - 1).cast(pl.Float64),
        recency=(pl.col("p1") - pl.col("p0")).cast(pl.Float64),
        T=(end - pl.col("p0")).cast(pl.Float64),
        monetary_value=pl.when(pl.col("n") > 1)
        .then((pl.col("total") - pl.col("first_s")) / (pl.col("n") - 1)).otherwise(0.0))
        .sort("customer_id").collect())


def _release_freed_memory() -> None:
    """Hand memory freed by the loader back to the OS (glibc), so it is not counted as resident."""
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def worker(kind: str, src: Path, out: Path, repeat: int) -> None:
    if kind == "helper":
        import duckdb

        from helpers.btyd.summary import summary_from_transactions
        baseline = _maxrss_bytes()
        con = duckdb.connect()
        frame = con.read_parquet(str(src)).df()  # pandas, with the library's default dtypes
        con.close()
        input_bytes = int(frame.memory_usage(deep=True).sum())

        def run():  # noqa: ANN202
            return summary_from_transactions(frame, memory_limit=MEMORY_LIMIT)
    else:
        import polars as pl
        baseline = _maxrss_bytes()
        frame = pl.read_parquet(src)
        input_bytes = int(frame.estimated_size())

        def run():  # noqa: ANN202
            return polars_summary(frame)
    load_peak = _maxrss_bytes()
    _release_freed_memory()
    loaded = _status_bytes("VmRSS") or load_peak
    reset = _reset_peak()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - t0)
        del result
    peak = _maxrss_bytes()
    result = run()
    if kind == "helper":
        con = duckdb.connect()
        res = result.reset_index()
        con.register("res", res)
        con.execute(f"COPY res TO '{out}' (FORMAT parquet)")
    else:
        result.write_parquet(out)
    print(json.dumps({"kind": kind, "seconds": min(times), "all_seconds": times,
                      "frame_bytes": input_bytes, "load_peak_bytes": load_peak - baseline,
                      "resident_after_load_bytes": loaded - baseline,
                      "work_bytes": peak - loaded, "peak_reset_after_load": reset}))


def run_worker(kind: str, src: Path, out: Path, repeat: int) -> dict:
    env = dict(os.environ, POLARS_MAX_THREADS=str(os.cpu_count() or 1))
    proc = subprocess.run([sys.executable, __file__, "--worker", kind, "--src", str(src),
                           "--out", str(out), "--repeat", str(repeat)],
                          capture_output=True, text=True, cwd=ROOT, env=env, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{kind} worker failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def compare(a: Path, b: Path) -> str:
    import numpy as np
    import polars as pl

    x, y = pl.read_parquet(a).sort("customer_id"), pl.read_parquet(b).sort("customer_id")
    if x.height != y.height or not x["customer_id"].cast(pl.String).equals(y["customer_id"].cast(pl.String)):
        raise SystemExit(f"outputs disagree on customers: {x.height} vs {y.height} rows")
    for col in ("frequency", "recency", "T"):
        if not x[col].equals(y[col]):
            raise SystemExit(f"outputs disagree on {col}")
    diff = float(np.max(np.abs(x["monetary_value"].to_numpy() - y["monetary_value"].to_numpy())))
    if diff > 1e-6:
        raise SystemExit(f"outputs disagree on monetary_value by up to {diff}")
    return f"agree on {x.height:,} customers (frequency/recency/T exactly, monetary within {diff:.1e} USD)"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument("--ids", choices=("str", "int"), default="str")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--worker", choices=("helper", "polars"))
    ap.add_argument("--src", type=Path)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    if args.worker:
        sys.path.insert(0, str(ROOT))
        worker(args.worker, args.src, args.out, args.repeat)
        return
    with tempfile.TemporaryDirectory(prefix="bench_rfm_") as tmp:
        tmp = Path(tmp)
        src = tmp / "transactions.parquet"
        t0 = time.perf_counter()
        info = generate(args.rows, args.customers, args.ids, src)
        print(f"input: {info['rows']:,} rows, {info['customers']:,} customers, {info['ids']} ids; "
              f"parquet {info['parquet_bytes'] / 1e6:,.0f} MB, polars frame "
              f"{info['polars_frame_bytes'] / 1e6:,.0f} MB ({time.perf_counter() - t0:.1f} s to generate)")
        res = {k: run_worker(k, src, tmp / f"{k}.parquet", args.repeat) for k in ("helper", "polars")}
        print(compare(tmp / "helper.parquet", tmp / "polars.parquet"))
    base = info["polars_frame_bytes"]
    print(f"{'implementation':<34}{'input frame MB':>15}{'time s (best)':>15}{'extra MB':>10}"
          f"{'peak MB':>9}{'peak/frame':>12}{'peak/compact':>14}")
    for k, name in (("helper", "btyd.summary_from_transactions"), ("polars", "plain polars")):
        r = res[k]
        r["peak_bytes"] = r["frame_bytes"] + r["work_bytes"]
        print(f"{name:<34}{r['frame_bytes'] / 1e6:>15,.0f}{r['seconds']:>15.2f}{r['work_bytes'] / 1e6:>10,.0f}"
              f"{r['peak_bytes'] / 1e6:>9,.0f}{r['peak_bytes'] / r['frame_bytes']:>12.2f}"
              f"{r['peak_bytes'] / base:>14.2f}")
    ratio = res["helper"]["seconds"] / res["polars"]["seconds"]
    mem = res["helper"]["peak_bytes"] / res["helper"]["frame_bytes"]
    print("extra = high-water mark during the summary minus the resident set after loading; "
          "peak = input frame + extra; compact = the polars (Arrow) frame")
    print(f"time ratio helper/polars = {ratio:.2f} (target <= 1.3: {'met' if ratio <= 1.3 else 'NOT met'})")
    print(f"helper peak memory / its input frame = {mem:.2f}x (target <= 3: {'met' if mem <= 3 else 'NOT met'}); "
          f"/ compact (polars) input = {res['helper']['peak_bytes'] / base:.2f}x")
    print("loading the parquet file (not counted above), peak / resident after, MB:",
          {k: (round(r["load_peak_bytes"] / 1e6), round(r["resident_after_load_bytes"] / 1e6))
           for k, r in res.items()},
          "| peak reset after loading:", {k: r["peak_reset_after_load"] for k, r in res.items()})
    print("all times (s):", {k: [round(t, 2) for t in r["all_seconds"]] for k, r in res.items()})


if __name__ == "__main__":
    main()
