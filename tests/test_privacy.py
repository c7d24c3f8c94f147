"""Pseudonymised customer ids: stable, salted, never the raw id."""

from __future__ import annotations

import hashlib
import hmac

import pandas as pd
import pytest

from helpers.privacy import pseudonymise, pseudonymise_columns


def test_pseudonym_is_hmac_sha256_prefix():
    expected = "C-" + hmac.new(b"s3cret", b"00042", hashlib.sha256).hexdigest()[:10]
    assert pseudonymise("00042", salt="s3cret") == expected


def test_stable_and_salt_dependent_and_never_raw():
    ids = pd.Series(["00001", "00002", "00001"], index=[10, 11, 12])
    out = pseudonymise(ids)
    assert list(out.index) == [10, 11, 12]
    assert out.iloc[0] == out.iloc[2] != out.iloc[1]
    assert not out.str.contains("0000").any()
    assert pseudonymise("00001", salt="a") != pseudonymise("00001", salt="b")


def test_columns_and_index_are_replaced():
    df = pd.DataFrame({"customer_id": ["a", "b"], "x": [1, 2]})
    out = pseudonymise_columns(df)
    assert list(out["x"]) == [1, 2] and set(out["customer_id"]).isdisjoint({"a", "b"})
    indexed = pseudonymise_columns(df.set_index("customer_id"))
    assert set(indexed.index).isdisjoint({"a", "b"}) and indexed.index.name == "customer_id"


@pytest.mark.parametrize("ids, salt, message", [
    ("x", "", "salt must be"), (pd.Series(["a", None]), "s", "missing customer id"),
])
def test_bad_input(ids, salt, message):
    with pytest.raises(ValueError, match=message):
        pseudonymise(ids, salt=salt)


def test_secret_salt_from_the_environment(monkeypatch):
    public = pseudonymise("00042")
    monkeypatch.setenv("ECOMMERCE_PSEUDONYM_SALT", "s3cret")
    expected = "C-" + hmac.new(b"s3cret", b"00042", hashlib.sha256).hexdigest()[:10]
    assert pseudonymise("00042") == expected != public
