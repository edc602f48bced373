"""POSIX paths inside a repository, as references and manifests write them."""

from __future__ import annotations

import posixpath


def join_path(base: str, rel: str) -> str:
    """`rel` from folder `base`, normalised; "" is the repository root. A result that climbs
    out of the repository keeps its leading `../`."""
    joined = posixpath.normpath(posixpath.join(base, rel)) if base else posixpath.normpath(rel)
    return "" if joined == "." else joined


def escapes_root(path: str) -> bool:
    return path == ".." or path.startswith("../")


def strip_climbs(path: str) -> str:
    while path.startswith("../"):
        path = path[3:]
    return "" if path == ".." else path


def ancestors(folder: str) -> list[str]:
    """`folder` and every folder above it, up to the root ("")."""
    out = [folder]
    while folder:
        folder = posixpath.dirname(folder)
        out.append(folder)
    return out
