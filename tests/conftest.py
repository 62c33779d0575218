"""Shared fixtures for the EIMS tests."""

from __future__ import annotations

import pytest

# Imported first so the project's package wins over the test config dir's custom_components.
import custom_components.eims  # noqa: F401


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load integrations from custom_components."""
