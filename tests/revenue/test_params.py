"""The parameter model of notebook 01: defaults valid, every rule refused with a message naming the parameter."""

from __future__ import annotations

import pytest

from helpers.config import NOTEBOOKS_DIR
from helpers.params import OverrideError, parameters_cell
from helpers.revenue.params import Params


def test_defaults_are_valid():
    p = Params.build({})
    assert p.companies == ["Amazon", "Coupang Corp"]
    assert (p.year, p.base_year, p.period, p.breakdown, p.currency) == (2024, 2021, "FY", "type", "USD")
    assert p.exclude_categories == []
    assert Params.NOTEBOOK == "01_revenue_mix"


def test_committed_parameters_cell_is_generated_from_the_model():
    assert parameters_cell(NOTEBOOKS_DIR / "01_revenue_mix.ipynb") == Params.parameters_cell()


def test_currencies_come_from_the_shared_constants():
    from helpers.constants import CURRENCIES

    for cur in CURRENCIES:
        assert Params.build({"currency": cur}).currency == cur


BAD = [
    pytest.param({"base_year": 2024}, r"parameter 'base_year' = 2024 must be before 'year' = 2024", id="base-not-before"),
    pytest.param({"year": 2200}, r"parameter 'year' = 2200 is not allowed: .*allowed: value ≥ 1990 and ≤ 2100",
                 id="year-range"),
    pytest.param({"year": 2024.5}, r"parameter 'year' = 2024.5 is not allowed", id="fractional-year"),
    pytest.param({"currency": "JPY"}, r"parameter 'currency' = 'JPY' is not allowed: .*one of KRW, USD, EUR",
                 id="currency-choice"),
    pytest.param({"period": "FY2024"}, r"parameter 'period' = 'FY2024' is not allowed: .*one of FY, H1, 9M",
                 id="period-choice"),
    pytest.param({"breakdown": "total"}, r"parameter 'breakdown' = 'total' is not allowed: .*one of type, segment",
                 id="breakdown-choice"),
    pytest.param({"companies": []}, r"parameter 'companies' = \[\] is not allowed: .*at least 1 item",
                 id="no-company"),
    pytest.param({"companies": ["Amazon", "Amazon"]}, r"parameter 'companies' = \['Amazon', 'Amazon'\] names a "
                 "company twice", id="company-twice"),
    pytest.param({"companies": "Amazon"}, r"parameter 'companies' = 'Amazon' is not allowed", id="companies-string"),
    pytest.param({"exclude_categories": "cloud"}, r"parameter 'exclude_categories' = 'cloud' is not allowed",
                 id="exclude-string"),
    pytest.param({"colour": "red"}, r"unknown parameter\(s\) \['colour'\]", id="unknown-parameter"),
]


@pytest.mark.parametrize(("values", "match"), BAD)
def test_rules_are_refused_naming_the_parameter(values, match):
    with pytest.raises(OverrideError, match=match):
        Params.build(values)


def test_help_texts_are_papermill_safe():
    for p in Params.parameters():
        assert p.help and "=" not in p.help and '"' not in p.help, p.name
