"""Constants of the domain, each defined once (with its source where it is a fact)."""

from __future__ import annotations

#: Currencies the notebooks handle (ISO 4217).
CURRENCIES = ("KRW", "USD", "EUR")

#: Promotion levels, biggest event first (Caroline, "E-commerce operations: coupon product analysis").
PROMOTION_LEVELS = ("S+", "S", "A+", "A")

#: Activity types of the synthetic coupon campaigns (our labels).
ACTIVITY_TYPES = ("coupon_festival", "category_week", "new_buyer_push")

#: Kurly's gross margin, 2021: cost of goods was 81% of sales, as quoted by Yozm IT (요즘IT),
#: "쿠폰이 2주 넘게 안 오나요? 장바구니를 하나 담아보세요", March 2024. Not checked against the filing.
KURLY_GROSS_MARGIN_2021 = 0.19
