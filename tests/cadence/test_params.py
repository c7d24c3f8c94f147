"""The parameter model of notebook 05: defaults valid; each range, choice and cross-field rule refused."""

from __future__ import annotations

import pytest

from helpers.cadence.constants import DEFAULT, StageThresholds
from helpers.cadence.params import Params
from helpers.constants import KURLY_GROSS_MARGIN_2021
from helpers.params import ParameterError


def test_defaults_are_valid_and_build_the_default_thresholds():
    p = Params.build({})
    assert p.thresholds() == StageThresholds() == DEFAULT
    assert p.gross_margin == KURLY_GROSS_MARGIN_2021 == 0.19


def test_thresholds_follow_the_parameters():
    t = Params.build({"dormant_days": 75, "cart_days": 10}).thresholds()
    assert (t.dormant_days, t.cart_days, t.push_days) == (75, 10, 90)


@pytest.mark.parametrize("name, value, match", [
    ("timezone", "Mars/Olympus", r"'timezone' = 'Mars/Olympus'.*not an IANA timezone"),
    ("naive_timezone", "Seoul", r"'naive_timezone' = 'Seoul'.*not an IANA timezone"),
    ("agreement_margin_days", 0.0, r"'agreement_margin_days' = 0.0.*> 0"),
    ("agreement_margin_days", 8.0, r"'agreement_margin_days' = 8.0.*≤ 7"),
    ("robustness_shift_days", 0, r"'robustness_shift_days' = 0.*≥ 1"),
    ("gross_margin", 1.0, r"'gross_margin' = 1.0.*< 1"),
    ("gross_margin", 1.5, r"'gross_margin' = 1.5.*-p gross_margin 0.19"),
    ("simulate", "yes", r"'simulate' = 'yes'"),
    ("repeat_from_purchase", 1, r"'repeat_from_purchase' = 1.*≥ 2"),
    ("cart_days", 2.5, r"'cart_days' = 2.5"),
    ("cart_days", 0, r"'cart_days' = 0.*≥ 1"),
    ("currency", "won", r"'currency' = 'won'"),
    ("sim_violation_share", -0.1, r"'sim_violation_share' = -0.1.*≥ 0"),
    ("sim_customers", 5001, r"'sim_customers' = 5001.*≤ 5000"),
    ("null_draws", 0, r"'null_draws' = 0.*≥ 1"),
    ("seed", -1, r"'seed' = -1.*≥ 0"),
])
def test_each_rule_names_the_parameter(name, value, match):
    with pytest.raises(ParameterError, match=match):
        Params.build({name: value})


def test_unknown_parameter_is_refused():
    with pytest.raises(ParameterError, match=r"unknown parameter\(s\) \['quiet_start_hour'\]"):
        Params.build({"quiet_start_hour": 8})


def test_the_parameters_cell_is_generated_from_the_model():
    cell = Params.parameters_cell()
    assert cell.splitlines()[0].startswith('messages_path: str = "data/synthetic/cadence_messages.csv"  # ')
    assert 'naive_timezone: "Optional[str]" = None  # ' in cell
    assert 'consent_path: "Optional[str]" = None  # ' in cell
    assert Params.path_fields() == ["messages_path", "events_path", "quiet_rules_path", "consent_path"]
    assert len(cell.splitlines()) == len(Params.model_fields) == 23


def test_threshold_defaults_are_declared_once():
    # the parameter defaults are read from StageThresholds, not repeated
    fields = Params.model_fields
    for name, value in vars(DEFAULT).items():
        assert fields[name].default == value, name
