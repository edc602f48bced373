"""What the commands share besides the Config: where progress and tables go."""

from __future__ import annotations

from rich.console import Console


def stderr_console() -> Console:
    """Where progress and tables go. Logs (CI) have no width limit; at 80 columns a table of
    ten repositories would be squeezed unreadable."""
    console = Console(stderr=True)
    return console if console.is_terminal else Console(stderr=True, width=200)
