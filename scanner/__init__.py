"""ProAgent asset scanner: finds Claude Code assets in source repositories and regenerates the
practice catalog and plugins from them."""

from importlib import metadata

try:
    # pyproject.toml holds the version; the installed distribution's metadata carries it.
    __version__ = metadata.version("proagent-scanner")
except metadata.PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0.0.0+unknown"
