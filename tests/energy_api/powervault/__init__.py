"""Tests of the Powervault clients."""
