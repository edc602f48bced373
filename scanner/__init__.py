"""ProAgent asset scanner: finds Claude Code assets in source repositories and regenerates the
practice catalog and plugins from them."""

__version__ = "0.1.0"
