"""Tests of the apsystems_openapi integration."""
