"""The shipped synthetic histories follow their contract and regenerate byte-identically."""

from __future__ import annotations

from helpers import contracts
from helpers.quota import simulate

SCHEMA = contracts.SCHEMAS["quota_sales_history"]


def test_generator_output_follows_contract_and_is_deterministic(tmp_path):
    # byte identity with the shipped files is checked once, in tests/test_synthetic.py
    for freq in ("D", "MS"):
        contracts.validate(simulate.generate_sales_history(seed=5, freq=freq), SCHEMA, source=f"generator {freq}")
    first = simulate.write_synthetic(tmp_path / "a")
    second = simulate.write_synthetic(tmp_path / "b")
    for p, q in zip(first, second, strict=True):
        assert p.read_bytes() == q.read_bytes()
        loaded = contracts.load_csv(p, SCHEMA)
        assert loaded["promo_level"].notna().any()
    assert [p.name for p in first] == [simulate.SALES_HISTORY_FILE, simulate.SALES_MONTHLY_FILE]

