"""One module per CLI command; each exposes `run(...) -> int` (an exit code)."""
