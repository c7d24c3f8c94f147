"""The parameter model of notebook 03: defaults valid, every rule refused with a message naming it."""

from __future__ import annotations

import pytest

from helpers.params import ParameterError
from helpers.quota import Params


def test_defaults_are_valid_and_match_the_committed_cell():
    p = Params.build({})
    assert (p.freq, p.target_start, p.roi, p.seed) == ("D", "2026-01-01", None, 3)
    assert Params.NOTEBOOK == "03_promotion_quota"
    from helpers.config import NOTEBOOKS_DIR
    from helpers.params import parameters_cell
    assert parameters_cell(NOTEBOOKS_DIR / "03_promotion_quota.ipynb") == Params.parameters_cell()


def test_an_int_is_taken_for_a_float():
    assert Params.build({"roi": 8}).roi == 8.0


@pytest.mark.parametrize("name, value, match", [
    ("roi", 0.0, "'roi' = 0.0 is not allowed.*greater than 0"),
    ("roi", -1.5, "'roi' = -1.5"),
    ("target_amount", -5.0, "'target_amount' = -5.0"),
    ("target_growth", -1.0, "'target_growth'"),
    ("marketing_share", 1.5, "'marketing_share' = 1.5.*≤ 1"),
    ("interval_level", 0.3, "'interval_level'.*≥ 0.5"),
    ("backtest_folds", 13, "'backtest_folds' = 13"),
    ("n_simulations", 10, "'n_simulations' = 10"),
    ("seed", -1, "'seed' = -1"),
    ("face_value", 0.0, "'face_value'"),
    ("freq", "W", "'freq' = 'W'.*one of D, MS"),
    ("fill_missing", "drop", "'fill_missing' = 'drop'"),
    ("activity_type", "flash", "'activity_type' = 'flash'.*coupon_festival"),
    ("currency", "krw", "'currency' = 'krw'"),
    ("level_weights", {"S+": 0.5, "S": 0.3, "A": 0.1}, "level_weights weights sum to 0.9"),
    ("level_weights", {"S+": 0.5, "B": 0.5}, r"level_weights has keys \['B'\]"),
    ("slot_shares", {"am": 0.6, "pm": 0.6}, "slot_shares weights sum to 1.2"),
    ("slot_shares", {"am": -0.5, "pm": 1.5}, "slot_shares has shares"),
    ("revenue_sources", {}, "revenue_sources must name"),
    ("revenue_sources", {"ads": -1.0}, "revenue_sources has amounts"),
    ("target_end", "2025-12-01", "target_end = '2025-12-01' is before target_start"),
    ("target_start", "01/01/2026", "target_start = '01/01/2026' is not an ISO date"),
    ("target_start", "2026-02-30", "not a valid calendar date"),
])
def test_bad_values_are_refused_naming_the_parameter(name, value, match):
    with pytest.raises(ParameterError, match=match):
        Params.build({name: value})


def test_monthly_target_must_start_on_day_one():
    with pytest.raises(ParameterError, match="target_start = '2026-01-15' must be a month start"):
        Params.build({"freq": "MS", "target_start": "2026-01-15", "target_end": "2026-03-01"})


def test_unknown_parameter_is_refused():
    with pytest.raises(ParameterError, match="unknown parameter.*'margin'"):
        Params.build({"margin": 0.2})


@pytest.mark.parametrize("name, value, match", [
    ("roi_basis", "incrementall", "'roi_basis' = 'incrementall'.*incremental, attributional"),
    ("response_min_points", 2, "'response_min_points' = 2"),
    ("p_target", 1.0, "'p_target' = 1.0"),
    ("redemption_rate", 0.0, "'redemption_rate' = 0.0"),
    ("redemption_rate", 1.5, "'redemption_rate' = 1.5"),
    ("promo_lead", -1, "'promo_lead' = -1"),
    ("promo_lag", 15, "'promo_lag' = 15"),
    ("observational_weight", 0.0, "'observational_weight' = 0.0"),
    ("gross_margin", 1.0, "'gross_margin' = 1.0"),
])
def test_issue_14_parameters_are_checked(name, value, match):
    with pytest.raises(ParameterError, match=match):
        Params.build({name: value})


@pytest.mark.parametrize("days, match", [
    ({"S+": 7, "X": 3}, r"event_days has keys \['X'\]"),
    ({"S+": 7, "S": 7, "A+": 0, "A": 7}, r"event_days must give at least 1 day.*\['A\+'\]"),
])
def test_event_days_are_checked(days, match):
    with pytest.raises(ParameterError, match=match):
        Params.build({"event_days": days})
