"""Vendored copy of energy_api, written by scripts/vendor: never edit it by hand."""
