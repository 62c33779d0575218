"""Tests for the EIMS gateway simulator."""
