"""Notebook 04's parameter model: defaults valid, every range, choice and cross-field rule refused."""

from __future__ import annotations

import pytest

from helpers.membership.params import Params
from helpers.params import ParameterError


def test_defaults_are_valid_and_typed():
    p = Params.build({})
    assert p.fee_krw == 7890.0 and p.panel_path is None and p.calibration_end == "1997-09-30"
    assert Params.NOTEBOOK == "04_membership_value"


def test_an_int_where_a_float_is_declared_is_accepted():
    assert Params.build({"fee_krw": 14900}).fee_krw == 14900.0


@pytest.mark.parametrize("override, match", [
    ({"fee_krw": -1.0}, r"'fee_krw' = -1.0 is not allowed.*≥ 0"),
    ({"member_share": 1.0}, r"'member_share' = 1.0 is not allowed.*< 1"),
    ({"gross_margin": 0.0}, r"'gross_margin' = 0.0 is not allowed.*> 0"),
    ({"gross_margin": 1.5}, r"'gross_margin' = 1.5 is not allowed.*-p gross_margin 0.25"),
    ({"n_customers": 10.5}, r"'n_customers' = 10.5 is not allowed"),
    ({"n_customers": 50}, r"'n_customers' = 50 is not allowed.*≥ 100"),
    ({"conf_level": 1.0}, r"'conf_level' = 1.0 is not allowed"),
    ({"calibration_end": "end of Sept"}, r"'calibration_end' = 'end of Sept' is not allowed: "
                                         r"'end of Sept' is not an ISO date"),
    ({"veteran_months": 20}, r"veteran_months \(20\) is out of reach: with n_months 24 and "
                             r"min_pre_months 6 .* at most 17"),
    ({"new_months": 13, "veteran_months": 12}, r"new_months \(13\) must be at most veteran_months \(12\)"),
    ({"min_pre_months": 24}, r"min_pre_months \(24\) must be below n_months \(24\)"),
    ({"seed": -1}, r"'seed' = -1 is not allowed"),
    ({"fees": 1}, r"unknown parameter\(s\) \['fees'\]"),
])
def test_bad_values_name_the_parameter(override, match):
    with pytest.raises(ParameterError, match=match):
        Params.build(override)


def test_veteran_reach_is_not_checked_on_a_users_panel():
    # a user's panel may be longer than the synthetic settings say
    p = Params.build({"panel_path": "data/synthetic/membership_panel_example.csv", "veteran_months": 20})
    assert p.veteran_months == 20


def test_parameters_cell_is_generated_and_papermill_readable():
    cell = Params.parameters_cell()
    assert cell.splitlines()[0].startswith('panel_path: "Optional[str]" = None  # ')
    assert all("=" not in line.split("#", 1)[1] for line in cell.splitlines())


@pytest.mark.parametrize("override, match", [
    ({"join_month": "pre"}, r"'join_month' = 'pre' is not allowed.*one of own, post, exclude"),
    ({"event_leads": 7}, r"event_leads \(7\) must be at most min_pre_months \(6\)"),
    ({"event_lags": 18}, r"event_lags \(18\) is out of reach: .* use at most 17"),
    ({"anticipation_months": 4}, r"event_leads \(5\) must be at least 2 \+ anticipation_months \(4\)"),
    ({"cancel_rate": 1.0}, r"'cancel_rate' = 1.0 is not allowed"),
    ({"n_boot": 10}, r"'n_boot' = 10 is not allowed.*≥ 50"),
    ({"joiner_trend": 0.5}, r"'joiner_trend' = 0.5 is not allowed"),
])
def test_event_study_and_violation_settings_are_checked(override, match):
    with pytest.raises(ParameterError, match=match):
        Params.build(override)
