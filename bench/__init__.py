"""`make bench`: the synthetic catalogue, the load generator and the runner (see run.py)."""
