"""Writing the shipped synthetic coupon files: the simulator's frames, written as the shipped CSVs.

The simulator (:mod:`helpers.coupons.simulate`) returns frames and imports no writer; this module
joins it to the writer (:func:`helpers.coupons.csvfiles.write_csv`). ``python -m helpers synth``
calls :func:`write_synthetic` (:func:`helpers.synthetic.generators`), then the pipeline step that
estimates ``coupons_past_campaigns.csv`` on simulated past campaigns
(:func:`helpers.coupons.pipeline.write_past_campaigns`, :data:`helpers.synthetic.PIPELINE_STEPS`).
"""

from __future__ import annotations

from pathlib import Path

from helpers.coupons.csvfiles import write_csv
from helpers.coupons.simulate import simulate_shipped_tables

#: Shipped file of each simulated table, in writing order.
FILES = {"campaigns": "coupons_campaigns.csv", "events": "coupons_events.csv", "orders": "coupons_orders.csv",
         "audience": "coupons_audience.csv", "truth": "coupons_truth.csv"}


def write_synthetic(out_dir: Path) -> list[Path]:
    """Write the shipped synthetic coupon data into ``out_dir`` (fixed seeds, byte-identical).

    Files: ``coupons_campaigns.csv``, ``coupons_events.csv``, ``coupons_orders.csv``,
    ``coupons_audience.csv``, ``coupons_truth.csv`` (two campaigns, with a few deliberately broken
    rows in events and orders: :func:`helpers.coupons.simulate.simulate_shipped_tables`).
    ``coupons_past_campaigns.csv`` is not simulated but *estimated* on simulated campaigns: the
    pipeline step :func:`helpers.coupons.pipeline.write_past_campaigns`.

    Parameters
    ----------
    out_dir : Path
        Folder to write into (created if missing).

    Returns
    -------
    list of Path
        The files written.

    Examples
    --------
    Not run as a doctest (about 10 s; ``tests/test_synthetic.py`` checks the bytes)::

        write_synthetic(Path("data/synthetic"))  # what `python -m helpers synth` does
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    tables = simulate_shipped_tables()
    return [write_csv(tables[name], out_dir / file) for name, file in FILES.items()]
