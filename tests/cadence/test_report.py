"""The report of notebook 05: verdict rules, prose built from results, figures, recorded keys."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from helpers.cadence import analysis, load, report
from helpers.cadence.params import Params
from helpers.config import SYNTHETIC_DIR

SINGLE = {"messages_path": "data/synthetic/cadence_single_messages.csv",
          "events_path": "data/synthetic/cadence_single_events.csv", "naive_timezone": "Asia/Seoul"}


@pytest.fixture(scope="module")
def single():
    p = Params.build(SINGLE)
    return analysis.analyse(p, load.load_or_simulate(p))


@pytest.fixture(scope="module")
def own_file(tmp_path_factory):
    """The same single-customer log copied out of data/synthetic: a user's own file, 25% margin."""
    d = tmp_path_factory.mktemp("own")
    for name in ("cadence_single_messages.csv", "cadence_single_events.csv"):
        shutil.copy(SYNTHETIC_DIR / name, d / name)
    p = Params.build({"messages_path": str(d / "cadence_single_messages.csv"),
                      "events_path": str(d / "cadence_single_events.csv"), "naive_timezone": "Asia/Seoul",
                      "gross_margin": 0.25})
    return analysis.analyse(p, load.load_or_simulate(p))


def test_weekend_share_adds_saturday_and_sunday():
    assert report.weekend_share(pd.Series({"mon": 0.6, "fri": 0.1, "sat": 0.2, "sun": 0.1})) == pytest.approx(0.3)
    assert report.weekend_share(pd.Series({"mon": 1.0})) == 0.0


@pytest.mark.parametrize("w, null, sd, designed", [
    (0.19, 0.006, 0.001, True),     # far above 0.006 + 3 x 0.001 = 0.009
    (0.009, 0.006, 0.001, False),   # exactly at the bar: not above it
    (0.0091, 0.006, 0.001, True),
    (0.02, 0.006, 0.005, False),    # 0.006 + 0.015 = 0.021 > 0.02
])
def test_w_verdict_rule(w, null, sd, designed):
    assert report.w_order_designed(w, null, sd) is designed


def test_stages_without_a_cadence_come_from_the_policy():
    assert report.no_cadence_stages() == ["onboarding", "dormant", "churned"]


def test_synthetic_is_said_only_of_synthetic_data(single, own_file):
    assert single.data.synthetic and "**synthetic**" in report.data_note(single)
    assert "Synthetic data" in report.caveats(single)
    assert not own_file.data.synthetic
    assert "synthetic" not in report.data_note(own_file).lower()
    assert "Synthetic data" not in report.caveats(own_file)


def test_prose_follows_the_margin_parameter(single, own_file):
    assert "exceed the 19% gross margin" in report.amount_findings(single)
    assert "exceed the 25% gross margin" in report.amount_findings(own_file)
    assert "gross margin used is 25%" in report.caveats(own_file)
    assert "19%" not in report.amount_findings(own_file)


def test_prose_numbers_come_from_the_results(single):
    a = single
    text = report.timing_findings(a)
    assert f"**{a.audit['violations']} violations**" in text
    assert f"{report.weekend_share(a.weekday):.1%}" in text
    assert f"**{a.rate['purchases_per_month']:.2f} purchases per month**" in report.purchase_findings(a)
    assert f"the article's reading, {a.cycle['purchases_per_month']:.2f} a month" in report.purchase_findings(a)
    findings = report.stage_findings(a)
    adh = a.adherence.dropna(subset=["adherence"])
    assert f"{adh['adherence'].min():.0%} to {adh['adherence'].max():.0%} of same-stage intervals" in findings
    assert "within ± 0.5 days of the policy" in findings
    assert f"{int(a.robustness['same_verdicts'].sum())} of {len(a.robustness)} threshold settings" in findings
    assert "`lms` [21:00, 08:00]" in text and "static consent_night flag" in text


def test_results_keys_and_values(single):
    r = report.results(single)
    assert [k for k in r if k.startswith("weekday_share.")] == [f"weekday_share.{d}" for d in
                                                               ("mon", "tue", "wed", "thu", "fri", "sat", "sun")]
    assert r["purchases_per_month"] == single.rate["purchases_per_month"]
    assert r["purchases_per_month_gap_based"] == single.cycle["purchases_per_month"]
    assert r["quiet_hours_violations.lms"] == single.audit["by_channel"]["lms"]
    for stage, row in single.agreement.dropna(subset=["agrees"]).iterrows():
        assert r[f"stage.{stage}.agrees"] is bool(row["agrees"])
        assert r[f"stage.{stage}.interval_days_low"] <= r[f"stage.{stage}.interval_days"] <= r[
            f"stage.{stage}.interval_days_high"]
    assert r["quiet_hours_violations"] == single.audit["violations"]
    measured = single.interval_table.index[single.interval_table["intervals"] > 0]
    assert {k.split(".", 1)[1] for k in r if k.startswith("interval_days.")} == set(measured)
    for stage, row in single.adherence.dropna(subset=["adherence"]).iterrows():
        assert r[f"stage.{stage}.adherence_low"] <= r[f"stage.{stage}.adherence"] <= r[f"stage.{stage}.adherence_high"]
        assert r[f"stage.{stage}.interval_p10"] <= r[f"stage.{stage}.interval_days"] <= r[
            f"stage.{stage}.interval_p90"]
        assert r[f"stage.{stage}.peaks_at_policy"] is bool(row["peaks_at_policy"])
    assert r["robustness.variants"] == 1 + 2 * 7  # baseline + 7 day thresholds moved down and up


def test_headline_text_prints_the_recorded_numbers(single):
    text = report.headline_text(single)
    assert f"w_pattern_share {single.w_share:.4f}" in text
    assert text.splitlines()[0] == "weekday"


def test_tables_render_with_units(single):
    html = report.discount_table(single).to_html()
    assert "mean amount (KRW)" in html and "₩" in html
    assert "C-" in report.preview_table(single).to_html()  # pseudonymised ids
    assert "%" in report.stage_table(single).to_html()
