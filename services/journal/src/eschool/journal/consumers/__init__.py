"""The journal's consumers: contingent's and scheduling's facts kept as local projections."""
