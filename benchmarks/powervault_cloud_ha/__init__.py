"""The HA side of benchmarks/powervault_cloud.py."""
