"""Buy-till-you-die tools shared by notebooks 04 and 06: the CDNOW loader, the BTYD summary and the
BG/NBD and Gamma-Gamma models (clv)."""
