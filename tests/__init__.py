"""Tests for the EIMS SMS Gateway integration."""
