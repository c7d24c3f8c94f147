"""Pipeline step of the synthetic data: estimate on simulated campaigns to write notebook 03's input.

Simulation simulates (:mod:`helpers.coupons.simulate`); this step *estimates*: it runs the review's
estimator chain (:func:`helpers.coupons.past.past_campaigns`) on 15 simulated past campaigns and
writes ``coupons_past_campaigns.csv``, the ``past_campaigns`` table notebook 03 reads. ``python -m
helpers synth`` runs it after every domain's simulator (:data:`helpers.synthetic.PIPELINE_STEPS`), handing
it the output of :func:`helpers.coupons.simulate.simulate_past_campaigns` (this module imports no simulator).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers.constants import KURLY_GROSS_MARGIN_2021
from helpers.coupons.csvfiles import write_csv
from helpers.coupons.past import past_campaigns

#: Columns rounded to 4 decimals in the shipped file.
ROUNDED = ("roi", "incremental_roi", "incremental_roi_low", "incremental_roi_high", "redemption_rate")


def write_past_campaigns(past: dict[str, pd.DataFrame], out_dir: Path) -> list[Path]:
    """Estimate each simulated past campaign's ROI and write ``coupons_past_campaigns.csv``.

    Parameters
    ----------
    past : dict of DataFrame
        ``campaigns, events, orders, audience`` of the simulated past campaigns
        (:func:`helpers.coupons.simulate.simulate_past_campaigns` with seed 2024).
    out_dir : Path
        Folder to write into (created if missing).

    Returns
    -------
    list of Path
        The file written.

    Notes
    -----
    Per campaign: attributional ROI, net incremental ROI with its 95% percentile-bootstrap interval
    (1,000 resamples, seed 2024 + k) at Kurly's 2021 margin, and the redemption rate; fixed seeds,
    so the bytes are identical on every run (``tests/test_synthetic.py``).

    Examples
    --------
    Not run as a doctest (about 10 s)::

        write_past_campaigns(simulate_past_campaigns(seed=2024), Path("data/synthetic"))
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    roi = past_campaigns(past["campaigns"], past["events"], past["orders"], past["audience"],
                         gross_margin=KURLY_GROSS_MARGIN_2021, n_boot=1000, seed=2024)
    for col in ROUNDED:
        roi[col] = roi[col].round(4)
    return [write_csv(roi, out_dir / "coupons_past_campaigns.csv")]
