"""Asset ids: `<repo>::<path>`, stable across content changes (ARCHITECTURE.md, "Identity and
change"). Every id is built and taken apart here; practice manifests write the same asset as a
pin, `<repo>/<path>` (the form the seed document cites)."""

from __future__ import annotations

SEPARATOR = "::"
#: How help texts and error messages show the form of an id.
ID_FORM = "<repo>::<path>"


def asset_id(repo: str, path: str) -> str:
    return f"{repo}{SEPARATOR}{path}"


def parse_asset_id(text: str) -> tuple[str, str] | None:
    """(repo, path) of an id; None when `text` is not one (no separator, or an empty side)."""
    repo, sep, path = text.partition(SEPARATOR)
    return (repo, path) if sep and repo and path else None


def repo_of(text: str) -> str:
    """The repository part of an id ("" when it has none)."""
    return text.partition(SEPARATOR)[0] if SEPARATOR in text else ""


def path_of(text: str) -> str:
    """The path part of an id; `text` itself when it is not an id (a repository node, a name)."""
    return text.split(SEPARATOR, 1)[1] if SEPARATOR in text else text


def pin_form(repo: str, path: str) -> str:
    """`<repo>/<path>`: how featured pins, citations and path rules (exclude_paths too) name
    an asset."""
    return f"{repo}/{path}"


def pin_to_asset_id(pin: str) -> str:
    """The asset id a featured pin names: `agents/plugins/x/SKILL.md` ->
    `agents::plugins/x/SKILL.md` (the first segment is the repository); an id is taken as it
    is."""
    if SEPARATOR in pin:
        return pin
    repo, _, path = pin.partition("/")
    return asset_id(repo, path)


def as_pin_form(pin: str, target_id: str) -> str:
    """`target_id` written the way `pin` is written (a pin, or an id)."""
    return target_id if SEPARATOR in pin else target_id.replace(SEPARATOR, "/", 1)
