"""Tests of the APsystems OpenAPI client."""
