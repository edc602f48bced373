"""acme-harness: Claude-assisted code reviews for Acme's backend services."""

__version__ = "0.6.0"
