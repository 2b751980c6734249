"""Our Home Assistant custom integrations, one folder each."""
