"""Tests of the HomeWizard client against the simulated devices."""
