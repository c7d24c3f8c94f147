"""Helpers for the e-commerce platform economics notebooks.

Every metric lives here, one module per domain (``revenue``, ``coupons``, ``quota``,
``membership``, ``cadence``, ``segments``), beside ``contracts`` (schemas, loading,
validation), ``plots`` (one seaborn theme), ``privacy`` (pseudonymised ids), ``results``
(headline numbers recorded inside executed notebooks) and ``runner`` (the papermill batch).
"""

__version__ = "0.1.0"
