"""The HA side of benchmarks/apsystems_month.py."""
