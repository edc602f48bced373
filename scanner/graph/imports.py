"""Resolving code imports to files, one resolver per language."""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Iterable

from scanner.graph.index import RefIndex, ancestors, escapes_root, join_path
from scanner.graph.model import JS_EXTENSIONS, JS_RUNTIME_TO_SOURCE, RUST_ROOT_FILES, Target
from scanner.ids import asset_id
from scanner.models import (
    Asset,
)


def _first_located(index: RefIndex, repo: str, candidates: Iterable[str]) -> Target | None:
    for candidate in candidates:
        if escapes_root(candidate):
            continue
        if asset_id(repo, candidate) in index.assets or index.is_file(repo, candidate):
            return index.locate(repo, candidate)
    return None


def _resolve_python(index: RefIndex, asset: Asset, module: str) -> Target | None:
    folder = posixpath.dirname(asset.path)
    if module.startswith("."):
        dots = len(module) - len(module.lstrip("."))
        package = folder
        for _ in range(dots - 1):
            package = posixpath.dirname(package)
        rest = module[dots:].replace(".", "/")
        base = join_path(package, rest) if rest else package
        candidates = [f"{base}.py", f"{base}/__init__.py"] if rest else [f"{base}/__init__.py"]
        found = _first_located(index, asset.repo, candidates)
        if found is None and index.is_dir(asset.repo, base):
            found = index.locate(asset.repo, base)  # a namespace package
        return found or index.missing(asset.repo, candidates[0])
    if module == "__future__":
        return None
    rel = module.replace(".", "/")
    roots = [*ancestors(folder), "src"]
    for root in roots:
        base = f"{root}/{rel}" if root else rel
        found = _first_located(index, asset.repo, (f"{base}.py", f"{base}/__init__.py"))
        if found is not None:
            return found
    return None  # a package from outside the repository


def _resolve_javascript(index: RefIndex, asset: Asset, spec: str) -> Target | None:
    if not spec.startswith(("./", "../")) and spec not in (".", ".."):
        return None  # a package, a `node:` builtin, or a bundler alias
    base = join_path(posixpath.dirname(asset.path), spec)
    stem, ext = posixpath.splitext(base)
    candidates = [base]
    candidates += [stem + alt for alt in JS_RUNTIME_TO_SOURCE.get(ext, ())]
    candidates += [base + e for e in JS_EXTENSIONS]
    candidates += [f"{base}/index{e}" for e in JS_EXTENSIONS]
    return _first_located(index, asset.repo, candidates) or index.missing(asset.repo, base)


def _rust_module_dir(path: str) -> str:
    """Where the child modules of the module in file `path` live."""
    folder, name = posixpath.split(path)
    if name in ("mod.rs", *RUST_ROOT_FILES):
        return folder
    return posixpath.join(folder, name.removesuffix(".rs"))


def _rust_module_files(module_dir: str) -> list[str]:
    """The files that can hold the module whose children live in `module_dir`."""
    out = [f"{module_dir}/{root}" for root in ("mod.rs", *RUST_ROOT_FILES)]
    if module_dir:
        out.insert(0, f"{module_dir}.rs")
    return out


def _rust_crate_dirs(index: RefIndex, repo: str) -> dict[str, str]:
    """Crate name (with `_` for `-`) -> its `src` folder, for crates in this repository."""
    crates: dict[str, list[str]] = defaultdict(list)
    for path in index.files.get(repo, frozenset()):
        if posixpath.basename(path) == "Cargo.toml":
            folder = posixpath.dirname(path)
            name = posixpath.basename(folder).replace("-", "_")
            if name:
                crates[name].append(f"{folder}/src" if folder else "src")
    return {name: dirs[0] for name, dirs in crates.items() if len(dirs) == 1}


def _resolve_rust(index: RefIndex, asset: Asset, module: str) -> Target | None:
    here = _rust_module_dir(asset.path)
    if module.startswith("mod:"):
        name = module[4:]
        candidates = [f"{here}/{name}.rs", f"{here}/{name}/mod.rs"]
        return _first_located(index, asset.repo, candidates) or index.missing(
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
        crate_dir = _rust_crate_dirs(index, asset.repo).get(head)
        if crate_dir is None:
            return None  # an external crate
        start, segments = crate_dir, segments[1:]
    # `use a::b::C` names module a::b or item b of module a: try the longest first.
    for cut in range(len(segments), -1, -1):
        module_dir = "/".join([start, *segments[:cut]]) if start else "/".join(segments[:cut])
        found = _first_located(index, asset.repo, _rust_module_files(module_dir))
        if found is not None:
            return found
    if not internal:
        return None
    return index.missing(asset.repo, "/".join([start, *segments]) + ".rs")


def _resolve_go(index: RefIndex, asset: Asset, module: str) -> Target | None:
    """Only packages of this repository: `<host>/<owner>/<repo>/<dir>` where `<dir>` holds Go
    files beside a go.mod (the module path itself is in go.mod, which this stage cannot read)."""
    segments = module.split("/")
    if len(segments) < 4 or "." not in segments[0]:
        return None
    rest = "/".join(segments[3:])
    for root in index.go_roots(asset.repo):
        folder = f"{root}/{rest}" if root else rest
        if folder in index.go_package_dirs(asset.repo):
            return index.locate(asset.repo, folder)
    return None


def resolve_import(index: RefIndex, asset: Asset, module: str) -> Target | None:
    language = asset.language
    if language == "python":
        return _resolve_python(index, asset, module)
    if language in ("javascript", "typescript", "tsx"):
        return _resolve_javascript(index, asset, module)
    if language == "rust":
        return _resolve_rust(index, asset, module)
    if language == "go":
        return _resolve_go(index, asset, module)
    return None
