"""The Home Assistant side of `energy_api`, shared by every integration.

This is the only part of `energy_api` that imports `homeassistant`.
"""
