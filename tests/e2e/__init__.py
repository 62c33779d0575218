"""End-to-end tests: a real Home Assistant process, the gateway simulator and a browser."""
