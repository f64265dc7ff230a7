"""Networks, each with one traced forward (MLP.trace)."""
