"""The planted world of the synthetic log: each shopper's chance to buy each product.

The generator (:mod:`helpers.recommend.simulate`) draws views and purchases from these
probabilities, and the oracle ranks candidates by them, so the oracle is the ceiling a model
could reach if it knew the tastes. Defined here, not in the simulator, so the evaluation never
imports a simulator; the world's constants (:data:`~helpers.recommend.constants.TIER_MATCH`,
``TASTE_VIEW_SHARE``, ``BUY_TASTE``, ``BUY_BROWSE``) are in :mod:`helpers.recommend.constants`,
which both read.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.recommend.constants import BUY_BROWSE, BUY_TASTE, TASTE_VIEW_SHARE, TIER_MATCH


def taste_matrix(shoppers: pd.DataFrame, categories: list[str]) -> np.ndarray:
    """Each shopper's weight on each category (rows sum to 1).

    Parameters
    ----------
    shoppers : DataFrame
        ``category_1, category_2, share_1, focus`` (contract ``recommend_truth``).
    categories : list of str
        Column order of the result.

    Returns
    -------
    ndarray, shape (shoppers, categories)

    Notes
    -----
    :math:`\\tau_{uc} = (1-f_u)/C + f_u\\,(s_u [c = c_1] + (1 - s_u)[c = c_2])`.

    Examples
    --------
    >>> s = pd.DataFrame({"category_1": ["a"], "category_2": ["b"], "share_1": [0.75], "focus": [0.8]})
    >>> taste_matrix(s, ["a", "b"]).round(2).tolist()
    [[0.7, 0.3]]
    """
    cats = {c: i for i, c in enumerate(categories)}
    n = len(shoppers)
    out = np.repeat(((1 - shoppers["focus"].to_numpy(float)) / len(categories))[:, None], len(categories), axis=1)
    rows = np.arange(n)
    f, s1 = shoppers["focus"].to_numpy(float), shoppers["share_1"].to_numpy(float)
    out[rows, shoppers["category_1"].map(cats).to_numpy(int)] += f * s1
    out[rows, shoppers["category_2"].map(cats).to_numpy(int)] += f * (1 - s1)
    return out


def purchase_propensity(shoppers: pd.DataFrame, products: pd.DataFrame) -> np.ndarray:
    """Chance that a shopper's next viewed product is product j and is bought.

    Parameters
    ----------
    shoppers : DataFrame
        Contract ``recommend_truth``, one row per shopper (row order kept).
    products : DataFrame
        Contract ``recommend_products``, one row per product (row order kept).

    Returns
    -------
    ndarray, shape (shoppers, products)

    Notes
    -----
    With appeal :math:`a_j`, category taste :math:`\\tau_{u c_j}` and tier match
    :math:`m(|t_u - t_j|)`: the taste distribution
    :math:`\\pi_{uj} \\propto a_j \\tau_{u c_j} m(|t_u - t_j|)`, the browsing distribution
    :math:`\\beta_j \\propto a_j`, and

    .. math:: P_{uj} = \\lambda b_T \\pi_{uj} + (1 - \\lambda) b_B \\beta_j

    with :math:`\\lambda` = ``TASTE_VIEW_SHARE``, :math:`b_T, b_B` = ``BUY_TASTE``, ``BUY_BROWSE``.

    Examples
    --------
    >>> s = pd.DataFrame({"category_1": ["a"], "category_2": ["b"], "share_1": [1.0], "focus": [1.0],
    ...                   "price_tier": [0]})
    >>> p = pd.DataFrame({"product_id": ["x", "y"], "category": ["a", "b"], "price_tier": [0, 0],
    ...                   "appeal": [1.0, 1.0]})
    >>> bool(purchase_propensity(s, p)[0, 0] > purchase_propensity(s, p)[0, 1])
    True
    """
    categories = sorted(set(products["category"]) | set(shoppers["category_1"]) | set(shoppers["category_2"]))
    taste = taste_matrix(shoppers, categories)
    cat_idx = products["category"].map({c: i for i, c in enumerate(categories)}).to_numpy(int)
    appeal = products["appeal"].to_numpy(float)
    dist = np.abs(shoppers["price_tier"].to_numpy(int)[:, None] - products["price_tier"].to_numpy(int)[None, :])
    pref = appeal[None, :] * taste[:, cat_idx] * np.asarray(TIER_MATCH)[dist]
    pref /= pref.sum(axis=1, keepdims=True)
    browse = appeal / appeal.sum()
    return TASTE_VIEW_SHARE * BUY_TASTE * pref + (1 - TASTE_VIEW_SHARE) * BUY_BROWSE * browse[None, :]
