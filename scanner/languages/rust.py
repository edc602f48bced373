"""Rust: the grammar and query (rust.scm; `mod x;` is captured as `mod:x`), `use` and `mod`
resolved to files of the crate or of sibling crates, and the frameworks its imports name."""

from __future__ import annotations

import posixpath
from collections import defaultdict
from typing import TYPE_CHECKING

import tree_sitter_rust

from scanner.languages.base import Frameworks, LanguageSpec, first_located, signals
from scanner.models import Asset

if TYPE_CHECKING:
    from scanner.graph.index import RefIndex
    from scanner.graph.model import Target

ROOT_FILES = ("lib.rs", "main.rs")


def _module_dir(path: str) -> str:
    """Where the child modules of the module in file `path` live."""
    folder, name = posixpath.split(path)
    if name in ("mod.rs", *ROOT_FILES):
        return folder
    return posixpath.join(folder, name.removesuffix(".rs"))


def _module_files(module_dir: str) -> list[str]:
    """The files that can hold the module whose children live in `module_dir`."""
    out = [f"{module_dir}/{root}" for root in ("mod.rs", *ROOT_FILES)]
    if module_dir:
        out.insert(0, f"{module_dir}.rs")
    return out


def _crate_dirs(index: RefIndex, repo: str) -> dict[str, str]:
    """Crate name (with `_` for `-`) -> its `src` folder, for crates in this repository."""
    crates: dict[str, list[str]] = defaultdict(list)
    for path in index.files.get(repo, frozenset()):
        if posixpath.basename(path) == "Cargo.toml":
            folder = posixpath.dirname(path)
            name = posixpath.basename(folder).replace("-", "_")
            if name:
                crates[name].append(f"{folder}/src" if folder else "src")
    return {name: dirs[0] for name, dirs in crates.items() if len(dirs) == 1}


def resolve_import(index: RefIndex, asset: Asset, module: str) -> Target | None:
    here = _module_dir(asset.path)
    if module.startswith("mod:"):
        name = module[4:]
        candidates = [f"{here}/{name}.rs", f"{here}/{name}/mod.rs"]
        return first_located(index, asset.repo, candidates) or index.missing(
            asset.repo, candidates[0]
        )
    segments = module.split("::")
    head = segments[0]
    internal = head in ("crate", "self", "super")
    if head == "crate":
        crate = index.enclosing(asset.repo, posixpath.dirname(asset.path), "Cargo.toml")
        if crate is None:
            return None  # not inside a Cargo crate this stage can see
        start = f"{crate}/src" if crate else "src"
        segments = segments[1:]
    elif head in ("self", "super"):
        start = here
        while segments and segments[0] in ("self", "super"):
            if segments[0] == "super":
                start = posixpath.dirname(start)
            segments = segments[1:]
    else:
        crate_dir = _crate_dirs(index, asset.repo).get(head)
        if crate_dir is None:
            return None  # an external crate
        start, segments = crate_dir, segments[1:]
    # `use a::b::C` names module a::b or item b of module a: try the longest first.
    for cut in range(len(segments), -1, -1):
        module_dir = "/".join([start, *segments[:cut]]) if start else "/".join(segments[:cut])
        found = first_located(index, asset.repo, _module_files(module_dir))
        if found is not None:
            return found
    if not internal:
        return None
    return index.missing(asset.repo, "/".join([start, *segments]) + ".rs")


FRAMEWORKS = Frameworks(
    imports=signals(
        ("axum", "Axum"),
        ("actix_web", "Actix Web"),
        ("tonic", "gRPC"),
        ("warp", "warp"),
        ("rocket", "Rocket"),
        ("sqlx", "SQLx"),
        ("diesel", "Diesel"),
        ("rdkafka", "Kafka"),
        ("lapin", "RabbitMQ"),
        ("jsonwebtoken", "JWT"),
    ),
    servers=frozenset({"Axum", "Actix Web", "warp", "Rocket", "gRPC"}),
    entry_calls=frozenset({"Router::new", "HttpServer::new", "axum::serve", "Server::builder"}),
    mcp_server_imports=signals(("rmcp", "rmcp (Rust MCP SDK)")),
)

LANGUAGE = LanguageSpec(
    name="rust",
    grammars={"rust": tree_sitter_rust.language},
    query="rust.scm",
    extensions={".rs": "rust"},
    resolve_import=resolve_import,
    frameworks=FRAMEWORKS,
)
