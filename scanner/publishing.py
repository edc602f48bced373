"""Which practice plugins ship: the threshold of manifests/publishing.yaml, applied to what a
plugin would cite. A practice below it is reported (gaps.json, the diff report) and left out
of marketplace.json and output/plugins/: nothing is published empty."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from scanner.errors import ManifestError
from scanner.models import JsonObject, JsonValue
from scanner.structured import load_manifest_yaml

if TYPE_CHECKING:  # the scan's no-op check imports this module and must stay light
    from scanner.plugin_view import PluginView

PUBLISHING_FILE = "publishing.yaml"  # beside sources.yaml, in manifests/


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Threshold(_Model):
    min_domain_coverage: float = Field(ge=0, le=1)
    min_cited_assets: int = Field(ge=0)
    min_convention_sections: int = Field(ge=0)
    min_commands: int = Field(ge=0)
    require_agent: bool


class RouterSpec(_Model):
    plugin: str = Field(min_length=1)
    version: str = Field(min_length=1)
    command: str = Field(min_length=1)
    description: str = Field(min_length=1, max_length=1024)

    @field_validator("plugin", "command")
    @classmethod
    def _kebab(cls, value: str) -> str:
        if not value.replace("-", "").isalnum() or value != value.lower():
            raise ValueError(f"{value!r} is not kebab-case")
        return value


class Publishing(_Model):
    schema_version: Literal[1]
    threshold: Threshold
    router: RouterSpec


def load_publishing(path: Path) -> Publishing:
    raw = load_manifest_yaml(path)
    try:
        return Publishing.model_validate(raw)
    except ValidationError as err:
        problems = [
            f"{'.'.join(str(p) for p in e['loc']) or 'top level'}: {e['msg']}"
            for e in err.errors(include_url=False)
        ]
        raise ManifestError(str(path), problems) from err


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    required: float
    found: float

    @property
    def ok(self) -> bool:
        return self.found >= self.required

    def to_json(self) -> JsonObject:
        return {"check": self.name, "required": self.required, "found": self.found, "ok": self.ok}


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether one practice's plugin ships, with every check and its numbers."""

    practice: str
    plugin: str
    checks: tuple[Check, ...]
    empty_domains: tuple[str, ...]  # domains whose CLAUDE.md section would cite nothing

    @property
    def published(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def reasons(self) -> list[str]:
        """One line per failed check, e.g. `domain coverage 0.5 < 0.8`."""
        return [f"{c.name} {c.found:g} < {c.required:g}" for c in self.checks if not c.ok]

    def to_json(self) -> JsonObject:
        return {
            "practice": self.practice,
            "plugin": self.plugin,
            "published": self.published,
            "checks": [c.to_json() for c in self.checks],
            "reasons": list[JsonValue](self.reasons),
            "empty_domains": list[JsonValue](self.empty_domains),
        }


def judge(view: PluginView, threshold: Threshold) -> Verdict:
    """Apply the threshold to what the plugin would say (its PluginView)."""
    practice = view.practice
    covered = [d for d in view.domains if d.citations]
    cited = {c.cite for d in view.domains for c in d.citations}
    share = round(len(covered) / len(view.domains), 3) if view.domains else 0.0
    checks = (
        Check("domain coverage", threshold.min_domain_coverage, share),
        Check("cited assets", threshold.min_cited_assets, len(cited)),
        Check("convention sections", threshold.min_convention_sections, len(practice.conventions)),
        Check("commands", threshold.min_commands, len(practice.commands)),
        Check("agent", 1 if threshold.require_agent else 0, 1 if practice.agent else 0),
    )
    empty = tuple(d.id for d in view.domains if not d.citations)
    return Verdict(practice.id, practice.plugin, checks, empty)


def publishing_json(verdicts: Sequence[Verdict], threshold: Threshold) -> JsonObject:
    """The `publishing` section of gaps.json."""
    return {
        "threshold": threshold.model_dump(mode="json"),
        "published": [v.plugin for v in verdicts if v.published],
        "withheld": [v.to_json() for v in verdicts if not v.published],
    }
