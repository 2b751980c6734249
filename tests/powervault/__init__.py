"""Tests of the powervault integration."""
