"""Tests of the APsystems EMA cloud simulator."""
