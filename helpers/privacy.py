"""Pseudonymise customer identifiers before anything is displayed or shared."""

from __future__ import annotations

import hashlib
import hmac
import os

import pandas as pd

DEFAULT_SALT = "ecommerce-economics"
#: Environment variable holding a secret salt; set it before sharing reports built on real ids.
SALT_ENV = "ECOMMERCE_PSEUDONYM_SALT"


def current_salt() -> str:
    """The salt in force: ``$ECOMMERCE_PSEUDONYM_SALT`` if set, else the public default."""
    return os.environ.get(SALT_ENV) or DEFAULT_SALT


def pseudonymise(ids: pd.Series | list | str, salt: str | None = None, prefix: str = "C") -> pd.Series | str:
    """Replace customer ids with stable pseudonyms (HMAC-SHA256, first 10 hex digits).

    The same id and salt always give the same pseudonym, so tables stay joinable. The default
    salt is public (fine for the shipped public and synthetic data); for real customer ids set a
    secret in ``$ECOMMERCE_PSEUDONYM_SALT`` (or pass ``salt``), since short ids could otherwise be
    recovered by hashing every candidate id with the public salt.

    Parameters
    ----------
    ids : Series, list or str
        Raw customer identifiers (any type; compared as strings).
    salt : str, optional
        Key for the HMAC; default :func:`current_salt`. Must be non-empty.
    prefix : str
        Prefix of each pseudonym.

    Returns
    -------
    Series (same index) or str, e.g. ``"C-1a2b3c4d5e"``.

    Raises
    ------
    ValueError
        If ``salt`` is empty or an id is missing.

    Examples
    --------
    >>> pseudonymise("00042") == pseudonymise("00042")
    True
    >>> pseudonymise("00042").startswith("C-")
    True
    """
    salt = current_salt() if salt is None else salt
    if not salt:
        raise ValueError("salt must be a non-empty string")
    key = salt.encode()

    def one(value: object) -> str:
        if value is None or (isinstance(value, float) and pd.isna(value)):
            raise ValueError("cannot pseudonymise a missing customer id")
        digest = hmac.new(key, str(value).encode(), hashlib.sha256).hexdigest()
        return f"{prefix}-{digest[:10]}"

    if isinstance(ids, str) or not hasattr(ids, "__iter__"):
        return one(ids)
    series = ids if isinstance(ids, pd.Series) else pd.Series(list(ids))
    return series.map(one)


def pseudonymise_columns(df: pd.DataFrame, columns: list[str] | tuple[str, ...] = ("customer_id",),
                         salt: str | None = None) -> pd.DataFrame:
    """Copy of ``df`` with the named id columns (and index, if named like one) pseudonymised."""
    out = df.copy()
    for col in columns:
        if col in out.columns:
            out[col] = pseudonymise(out[col], salt=salt)
        if out.index.name == col:
            out.index = pd.Index(pseudonymise(pd.Series(out.index), salt=salt).to_numpy(), name=col)
    return out
