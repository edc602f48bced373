"""The marketplace manifest (manifests/marketplace.yaml) and the marketplace.json built from it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from scanner.errors import ManifestError
from scanner.models import JsonObject, JsonValue
from scanner.practices import Practice
from scanner.schema_errors import problems
from scanner.structured import load_manifest_yaml

DEFAULT_MARKETPLACE = Path("manifests/marketplace.yaml")


class Owner(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str = Field(min_length=1)
    email: str | None = None
    url: str | None = None


class Marketplace(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    schema_version: Literal[1]
    name: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    owner: Owner
    description: str = Field(min_length=1)


DEFAULT = Marketplace(
    schema_version=1,
    name="proagent-marketplace",
    owner=Owner(name="Provectus"),
    description="Practice plugins for the ProAgent agentic coding platform.",
)


def load_marketplace(path: Path) -> Marketplace:
    """The marketplace manifest; without one, the ProAgent defaults."""
    if not path.exists():
        return DEFAULT
    raw = load_manifest_yaml(path)
    try:
        return Marketplace.model_validate(raw)
    except ValidationError as err:
        raise ManifestError(str(path), problems(err, Marketplace)) from err


def marketplace_json(
    marketplace: Marketplace,
    practices: Sequence[Practice],
    versions: Mapping[str, str],
    extra: Sequence[JsonObject] = (),
) -> JsonObject:
    """Every published practice plugin (and `extra` entries, e.g. the router), each entry's
    version always equal to its plugin.json version."""
    plugins: list[JsonValue] = [
        {
            "name": p.plugin,
            "source": f"./plugins/{p.plugin}",
            "description": p.description,
            "version": versions[p.plugin],
            "category": "engineering-practice",
            "tags": ["proagent", p.id],
        }
        for p in sorted(practices, key=lambda p: p.plugin)
    ]
    plugins += extra
    owner: JsonObject = {"name": marketplace.owner.name}
    if marketplace.owner.email:
        owner["email"] = marketplace.owner.email
    if marketplace.owner.url:
        owner["url"] = marketplace.owner.url
    return {
        "name": marketplace.name,
        "owner": owner,
        "metadata": {"description": marketplace.description},
        "plugins": plugins,
    }
