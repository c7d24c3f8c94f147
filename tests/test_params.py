"""The parameters-cell parser and the override checks that run before any kernel starts."""

from __future__ import annotations

import pytest

from helpers.params import (
    OverrideError,
    Parameter,
    ParameterSpecError,
    check_overrides,
    fits,
    parse_cli_value,
    parse_parameters,
)

CELL = '''year: int = 2024  # focus year of the comparison
currency: str = "USD"  # reporting currency: USD or KRW
margin: float = 0.19  # gross margin, fraction
companies: list[str] = ["Amazon", "Coupang"]  # companies to compare
weights: dict[str, float] = {"S": 0.6, "A": 0.4}  # level weights, sum to 1
roi: float | None = None  # override the estimated ROI; None = estimate it
plain = 3  # no annotation: type from the default
'''


def test_parse_parameters_reads_name_type_default_help():
    params = {p.name: p for p in parse_parameters(CELL)}
    assert params["year"] == Parameter("year", "int", 2024, "focus year of the comparison")
    assert params["companies"].type == "list[str]"
    assert params["companies"].default == ["Amazon", "Coupang"]
    assert params["weights"].default == {"S": 0.6, "A": 0.4}
    assert params["roi"].type == "float | None" and params["roi"].default is None
    assert params["plain"].type == "int"


@pytest.mark.parametrize("source, message", [
    ("x: int = len([1])  # computed", "must be a literal"),
    ("import os", "only `name: type = literal` lines"),
    ("x: int = 1\nx: int = 2", "defined twice"),
    ("x: int = (", "not valid Python"),
])
def test_parse_parameters_refuses_bad_cells(source, message):
    with pytest.raises(ParameterSpecError, match=message):
        parse_parameters(source)


@pytest.mark.parametrize("value, annotation, expected", [
    (3, "float", True), (3.5, "int", False), (True, "int", False), ("3", "float", False),
    (["a", "b"], "list[str]", True), (["a", 1], "list[str]", False),
    ({"S": 1.0}, "dict[str, float]", True), ({"S": "x"}, "dict[str, float]", False),
    (None, "float | None", True), (None, "float", False), (1.5, "Optional[float]", True),
])
def test_fits(value, annotation, expected):
    assert fits(value, annotation) is expected


def test_parse_cli_value_types():
    p = {q.name: q for q in parse_parameters(CELL)}
    assert parse_cli_value(p["year"], "2023") == 2023
    assert parse_cli_value(p["currency"], "2023") == "2023"  # str parameters keep the text
    assert parse_cli_value(p["companies"], "[Amazon]") == ["Amazon"]
    assert parse_cli_value(p["weights"], "{S: 1.0}") == {"S": 1.0}
    assert parse_cli_value(p["roi"], "null") is None


def test_check_overrides_coerces_int_to_float_and_names_problems():
    params = parse_parameters(CELL)
    assert check_overrides(params, {"margin": 1}, "nb/run") == {"margin": 1.0}
    assert isinstance(check_overrides(params, {"margin": 1}, "nb/run")["margin"], float)
    with pytest.raises(OverrideError) as err:
        check_overrides(params, {"yera": 2023, "currency": 5, "year": "2023"}, "nb/run")
    text = str(err.value)
    assert "unknown parameter 'yera'" in text and "'year'" in text  # lists the valid names
    assert "parameter 'currency' must be str" in text
    assert "parameter 'year' must be int" in text
