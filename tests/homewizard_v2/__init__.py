"""Tests of the homewizard_v2 integration against simulated devices."""
