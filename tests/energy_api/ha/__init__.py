"""Tests of energy_api.ha with a minimal integration."""
