"""The harness HTTP API."""
