"""Tests of the Powervault simulators."""
