"""The targeting plan on the shipped data: recommendation from the intervals, the list file, summaries, keys."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.coupons import report, targeting_report
from helpers.coupons.load import load_campaign
from helpers.coupons.params import Params

ISSUE_27_KEYS = {"targeting.qini", "targeting.qini_low", "targeting.qini_high", "targeting.best_share",
                 "targeting.policy_profit", "targeting.policy_profit_low", "targeting.policy_profit_high",
                 "targeting.all_profit", "targeting.all_profit_low", "targeting.all_profit_high",
                 "targeting.distinguishable", "acquisition_value", "acquisition_value_low", "acquisition_value_high"}

pytestmark = pytest.mark.slow  # the shipped targeting fit (10 s): in `make test`, not `make unit`


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    out = tmp_path_factory.mktemp("list") / "targeting.csv"
    p = Params.build({"n_boot": 300, "targeting_output": str(out)})
    return targeting_report.plan(report.review(load_campaign(p), p)), out


def test_recommendation_follows_the_intervals(shipped) -> None:
    pl, _ = shipped
    v = pl.targeting.values
    # shipped data: the ranking cannot be told from random, sending to all loses money -> send to none
    assert not pl.targeting.distinguishable and v.loc["send_to_all", "high"] < 0
    assert pl.recommendation == "send_to_none" and pl.share_sent == 0.0
    text = targeting_report.targeting_markdown(pl)
    assert "cannot be told from random targeting" in text and "Targeting does not help here" in text
    assert v.loc["policy_minus_all", "estimate"] == pytest.approx(v.loc["policy", "estimate"] - v.loc["send_to_all", "estimate"])


def test_the_list_is_written_with_real_ids_and_the_report_shows_pseudonyms(shipped) -> None:
    pl, out = shipped
    listing = pd.read_csv(out)
    assert list(listing.columns) == ["customer_id", "predicted_incremental_profit", "decile", "send"]
    assert len(listing) == 12_000 and listing["customer_id"].str.startswith("K").all()
    assert set(listing["decile"]) == set(range(1, 11)) and not listing["send"].any()
    html = targeting_report.list_sample(pl).to_html()
    assert not any(cid in html for cid in listing["customer_id"].head(5))
    dec = targeting_report.decile_frame(pl)
    assert dec["customers"].sum() == 12_000 and len(dec) == 10 and "customer_id" not in dec.columns


def test_records_every_issue_27_key_and_acquisition_value(shipped) -> None:
    pl, _ = shipped
    got = targeting_report.record_targeting(pl)
    assert ISSUE_27_KEYS <= set(got)
    assert got["acquisition_value_low"] <= got["acquisition_value"] <= got["acquisition_value_high"]
    assert got["acquisition.clv_per_buyer"] > 0 and pl.acquisition["new_buyers_used"] > 0
    assert "assumption" in targeting_report.acquisition_markdown(pl)
