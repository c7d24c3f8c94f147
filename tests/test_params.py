"""The parameter model base: one declaration gives the cell, the checks and the messages."""

from __future__ import annotations

from typing import Literal

import pytest
from pydantic import Field, model_validator

from helpers.params import (
    NotebookParams,
    OverrideError,
    ParameterSpecError,
    cli_example,
    data_path,
    model_from_cell,
    parse_cli_value,
    parse_parameters,
)


class Demo(NotebookParams):
    NOTEBOOK = "99_demo"
    orders_path: str = data_path("data/synthetic/coupons_orders.csv", "orders (contract coupon_orders)")
    truth_path: str | None = data_path(None, "synthetic only; null for real data")
    gross_margin: float = Field(0.19, gt=0, lt=1, description="gross margin, share in (0, 1)")
    mode: Literal["difference", "winsorized"] = Field("difference", description="holdout comparison")
    companies: list[str] = Field(["Amazon", "Coupang"], min_length=1, description="companies to compare")
    weights: dict[str, float] = Field({"S+": 0.4, "S": 0.6}, description="level weights, sum to 1")
    n_boot: int = Field(2000, ge=200, le=20000, description="bootstrap resamples")

    @model_validator(mode="after")
    def _weights_sum_to_one(self):
        if abs(sum(self.weights.values()) - 1) > 1e-9:
            raise ValueError(f"parameter 'weights' = {self.weights}: the weights must sum to 1")
        return self


def test_the_cell_is_generated_in_the_form_papermill_parses():
    cell = Demo.parameters_cell().splitlines()
    assert cell[0] == 'orders_path: str = "data/synthetic/coupons_orders.csv"  # orders (contract coupon_orders)'
    assert cell[1] == 'truth_path: "Optional[str]" = None  # synthetic only; null for real data'
    assert cell[5] == 'weights: dict[str, float] = {"S+": 0.4, "S": 0.6}  # level weights, sum to 1'
    parsed = {p.name: p for p in parse_parameters(Demo.parameters_cell())}
    assert parsed["companies"].default == ["Amazon", "Coupang"] and parsed["truth_path"].type == "Optional[str]"


def test_papermill_lists_every_parameter_of_a_generated_cell(tmp_path):
    import nbformat
    import papermill

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(Demo.parameters_cell())
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell]
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    path = tmp_path / "demo.ipynb"
    nbformat.write(nb, path)
    seen = papermill.inspect_notebook(str(path))
    assert list(seen) == list(Demo.model_fields)
    assert seen["gross_margin"]["default"] == "0.19" and seen["truth_path"]["inferred_type_name"] == "Optional[str]"


@pytest.mark.parametrize("override, message", [
    ({"gross_margin": 1.5}, "parameter 'gross_margin' = 1.5 is not allowed: Input should be less than 1; "
                            "allowed: value > 0 and < 1 (command line: -p gross_margin 0.19)"),
    ({"mode": "mean"}, "parameter 'mode' = 'mean' is not allowed: Input should be 'difference' or 'winsorized'"),
    ({"n_boot": 5}, "allowed: value ≥ 200 and ≤ 20000"),
    ({"n_boot": 300.5}, "parameter 'n_boot' = 300.5 is not allowed: Input should be a valid integer"),
    ({"companies": []}, "allowed: at least 1 item(s) (command line: -p companies '[Amazon, Coupang]')"),
    ({"weights": {"S": 0.5}}, "parameter 'weights' = {'S': 0.5}: the weights must sum to 1"),
    ({"gross_margin": "0.2"}, "Input should be a valid number"),
    ({"bogus": 1}, "unknown parameter(s) ['bogus']; valid parameters are ['companies', 'gross_margin'"),
])
def test_bad_values_are_refused_naming_parameter_value_and_what_is_allowed(override, message):
    with pytest.raises(OverrideError) as err:
        Demo.check_overrides(override, where="99_demo/adhoc")
    assert message in str(err.value) and str(err.value).startswith("99_demo/adhoc: ")


def test_the_notebook_validates_the_same_way_and_ints_become_floats():
    p = Demo.from_notebook({**Demo.defaults(), "gross_margin": 0.3, "extra_name_in_globals": 1})
    assert p.gross_margin == 0.3 and p.companies == ["Amazon", "Coupang"]
    with pytest.raises(OverrideError, match="99_demo: parameter 'gross_margin' = 1.0 is not allowed"):
        Demo.from_notebook({**Demo.defaults(), "gross_margin": 1})
    with pytest.raises(ValueError, match=r"parameter\(s\) \['n_boot'\] are not defined"):
        Demo.from_notebook({k: v for k, v in Demo.defaults().items() if k != "n_boot"})

    class Money(NotebookParams):
        fee: float = Field(7890.0, ge=0, description="fee, KRW")

    assert Money.check_overrides({"fee": 14900}, "w") == {"fee": 14900.0}
    assert isinstance(Money.check_overrides({"fee": 14900}, "w")["fee"], float)


@pytest.mark.parametrize("raw, expected", [("[Amazon, Coupang]", ["Amazon", "Coupang"]), ("{S+: 0.4, S: 0.6}", {"S+": 0.4, "S": 0.6}),
                                           ("null", None), ("None", None), ("0.25", 0.25), ("true", True)])
def test_cli_values_are_yaml_literals(raw, expected):
    assert parse_cli_value(Demo, "weights", raw) == expected


def test_text_fields_take_the_text_as_written():
    assert parse_cli_value(Demo, "mode", "2026-01-01") == "2026-01-01"  # YAML would make a date
    assert parse_cli_value(Demo, "truth_path", "None") is None
    assert cli_example(["Amazon", "Coupang"]) == "'[Amazon, Coupang]'" and cli_example("a b") == "'a b'"


def test_help_with_an_equals_sign_is_refused_when_writing_the_cell():
    class Bad(NotebookParams):
        x: int = Field(1, description="x = the thing")

    with pytest.raises(ParameterSpecError, match="help must not contain '='"):
        Bad.parameters_cell()


def test_a_notebook_without_a_declared_model_gets_one_from_its_cell():
    model = model_from_cell(parse_parameters('x: float = 2.0  # a number\ndata_path: str = ""  # a file'), "tiny")
    assert model.path_fields() == ["data_path"]
    with pytest.raises(OverrideError, match="parameter 'x' = 'abc' is not allowed"):
        model.check_overrides({"x": "abc"}, "tiny/default")


def test_parse_parameters_refuses_what_is_not_a_literal():
    with pytest.raises(ParameterSpecError, match="the default of 'x' must be a literal"):
        parse_parameters("x: int = len([1])  # no")
    with pytest.raises(ParameterSpecError, match="defined twice"):
        parse_parameters("x: int = 1  # a\nx: int = 2  # b")
