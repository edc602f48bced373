"""Load and validate the practice manifests (manifests/practices/*.yaml).

A practice is one marketplace plugin (backend, devops, ...): its domains, the rules that decide
which assets belong to each domain, the assets a maintainer pins as featured, and what the
render stage needs to write the plugin (conventions, MCP integrations, commands, agent, hooks).
Adding a practice is adding a YAML file. Every problem of a file is collected and reported at
once, each naming the field it concerns; an invalid practice stops the scan (exit 4).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

import pathspec
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from scanner.config import DEFAULT_PRACTICES
from scanner.errors import ManifestError
from scanner.formats import HOOK_EVENTS
from scanner.formats.hooks import hook_event_hint
from scanner.models import AssetKind
from scanner.schema_errors import known_keys, unknown_key
from scanner.structured import brief, load_manifest_yaml

SCHEMA_VERSION = 1
# Where the practices are is Config.practices_dir; this is its default, spelled in config.
DEFAULT_PRACTICES_DIR = DEFAULT_PRACTICES

# What keyword rules are matched against, and what code-signal rules read from an asset.
TextField = Literal["name", "title", "description", "tags", "headings", "path"]
TEXT_FIELDS: tuple[str, ...] = ("name", "title", "description", "tags", "headings", "path")
SignalField = Literal["frameworks", "mcp_sdks", "claude_sdks", "kind", "language"]
ANY_VALUE = "*"  # a signal value that matches any non-empty signal


KEBAB_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SEMVER_RE = re.compile(r"^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$")
# A term is words separated by spaces or punctuation, optionally ending in `*` (prefix match).
TOKEN_RE = re.compile(r"[^\W_]+")


def term_tokens(term: str) -> tuple[str, ...]:
    """The lower-case words of a keyword term, without a trailing `*`."""
    return tuple(TOKEN_RE.findall(term.removesuffix("*").lower()))


def pattern_problem(pattern: str) -> str | None:
    """Why a `<repo>/<path>` glob is unusable, or None."""
    if not pattern.strip():
        return "a pattern must not be empty"
    if pattern.startswith("/"):
        return f"pattern {pattern!r} is absolute; patterns start with the repository name"
    try:
        pathspec.GitIgnoreSpec.from_lines([pattern])
    except ValueError as err:
        return f"pattern {pattern!r} is not a valid glob ({err})"
    return None


def pin_problem(pin: str) -> str | None:
    """Why a featured pin is not of the form `<repo>/<path>`, or None."""
    repo, _, rel = pin.partition("/")
    if not repo or not rel or pin.startswith("/") or pin.endswith("/"):
        return f"{pin!r} is not of the form <repo>/<path>"
    if ".." in pin.split("/") or "\\" in pin or "::" in pin:
        return f"{pin!r} must be a plain <repo>/<path> (no '..', '\\' or '::')"
    return None


def all_featured_pins(practices: Sequence[Practice]) -> tuple[str, ...]:
    """Every featured pin of these practices, sorted, each once."""
    return tuple(sorted({pin for p in practices for d in p.domains for pin in d.featured}))


def _check_nonzero(value: float) -> float:
    if value == 0:
        raise ValueError("a weight of 0 never changes a score; remove the rule instead")
    return value


def _check_kebab(value: str) -> str:
    if not KEBAB_RE.match(value):
        raise ValueError(f"{value!r} is not kebab-case (lowercase letters, digits, '-')")
    return value


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# --- classification rules ---------------------------------------------------------------------


class KeywordRule(_Model):
    """Words or phrases, matched on word boundaries, each worth `weight` times the weight of
    the best field it appears in. A negative weight counts against the domain."""

    terms: tuple[str, ...] = Field(min_length=1)
    weight: float
    fields: tuple[TextField, ...] = ()  # empty: every text field

    @field_validator("terms")
    @classmethod
    def _valid_terms(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        problems = []
        for term in value:
            if not term_tokens(term):
                problems.append(f"{term!r} has no word to match")
            elif "*" in term.removesuffix("*"):
                problems.append(f"{term!r}: '*' is allowed only at the end of a term")
        if len({t.lower() for t in value}) != len(value):
            problems.append("a term is listed twice")
        if problems:
            raise ValueError("; ".join(problems))
        return value

    @field_validator("weight")
    @classmethod
    def _nonzero(cls, value: float) -> float:
        return _check_nonzero(value)


class PathRule(_Model):
    """A gitignore-style glob over `<repo>/<path>`."""

    pattern: str
    weight: float

    @field_validator("pattern")
    @classmethod
    def _valid_pattern(cls, value: str) -> str:
        problem = pattern_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("weight")
    @classmethod
    def _nonzero(cls, value: float) -> float:
        return _check_nonzero(value)


class SignalRule(_Model):
    """A fact discovery found: a framework, an MCP or Claude SDK, the asset kind or language.
    Fires once when any of `values` is present (case-insensitive); `*` matches any value."""

    field: SignalField
    values: tuple[str, ...] = Field(min_length=1)
    weight: float

    @field_validator("weight")
    @classmethod
    def _nonzero(cls, value: float) -> float:
        return _check_nonzero(value)


class DomainRules(_Model):
    """A domain may have no rule yet: its labels are written first, its rules after (see
    PRACTICES.md); until then only its definition can place an asset in it."""

    keywords: tuple[KeywordRule, ...] = ()
    paths: tuple[PathRule, ...] = ()
    signals: tuple[SignalRule, ...] = ()


class Domain(_Model):
    id: str
    title: str = Field(min_length=1)
    summary: str = Field(min_length=1)
    threshold: float | None = None  # overrides the practice's threshold
    rules: DomainRules = DomainRules()
    # `<repo>/<path>` pins a maintainer wants cited; never an input to the classifier.
    featured: tuple[str, ...] = ()

    @field_validator("id")
    @classmethod
    def _kebab(cls, value: str) -> str:
        return _check_kebab(value)

    @field_validator("threshold")
    @classmethod
    def _positive(cls, value: float | None) -> float | None:
        if value is not None and value <= 0:
            raise ValueError("must be greater than 0")
        return value

    @field_validator("featured")
    @classmethod
    def _valid_pins(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        problems = [p for p in map(pin_problem, value) if p]
        if len(set(value)) != len(value):
            problems.append("a pin is listed twice")
        if problems:
            raise ValueError("; ".join(problems))
        return value

    @model_validator(mode="after")
    def _terms_once(self) -> Domain:
        """A term may appear in two rules only for different fields: otherwise the longer
        match claims the words and the other rule silently never fires. Plurals match
        automatically, so `api` and `apis` are the same term."""
        seen: dict[tuple[str, ...], list[tuple[int, frozenset[str]]]] = {}
        for index, rule in enumerate(self.rules.keywords):
            fields = frozenset(rule.fields or TEXT_FIELDS)
            for term in rule.terms:
                words = term_tokens(term)
                # The words this term matches: itself and its plurals. Two terms clash when
                # some word would match both.
                variants = [(*words[:-1], words[-1] + end) for end in ("", "s", "es")]
                for variant in variants:
                    for earlier, earlier_fields in seen.get(variant, ()):
                        if earlier_fields & fields:
                            raise ValueError(
                                f"term {term!r} of rules.keywords[{index}] is already matched "
                                f"by rules.keywords[{earlier}] (plurals match automatically)"
                            )
                for variant in variants:
                    seen.setdefault(variant, []).append((index, fields))
        return self


class Similarity(_Model):
    """Term-weighting evidence (scanner.similarity): cosine similarity times a weight, counted
    from a floor. The nearest exemplar can establish a domain; the definition only supports."""

    # Chosen on the tune splits of backend and devops (a grid over weights and floors; these
    # lost nothing there): an exact copy of an exemplar (cosine 1) alone is worth 6 points.
    exemplar_weight: float = Field(default=6.0, ge=0)
    exemplar_floor: float = Field(default=0.6, gt=0, le=1)
    definition_weight: float = Field(default=5.0, ge=0)
    definition_floor: float = Field(default=0.25, gt=0, le=1)
    # Opt-in (scanner.classify_support): the nearest exemplar from this cosine up to
    # exemplar_floor supports a domain that a keyword or path rule establishes. None: off.
    exemplar_support_floor: float | None = Field(default=None, gt=0, le=1)

    @model_validator(mode="after")
    def _support_below_floor(self) -> Similarity:
        if self.exemplar_support_floor is not None and not (
            self.exemplar_support_floor < self.exemplar_floor
        ):
            raise ValueError("exemplar_support_floor must be below exemplar_floor")
        return self


class Classification(_Model):
    threshold: float = Field(gt=0)
    similarity: Similarity = Similarity()
    # A neighbour in the graph that is itself in a domain adds this fraction of its own score,
    # capped at context_max points: context leans, it never outweighs an asset's own content.
    context_weight: float = Field(default=0.3, ge=0, le=1)
    context_max: float = Field(default=2.0, ge=0)
    # Only neighbours of these kinds lend context: a plugin manifest's domains summarise what
    # it contains, they say nothing about any one member.
    context_kinds: tuple[str, ...] = ("skill", "agent", "command", "pattern", "reference")
    field_weights: dict[TextField, float]
    # A keyword scores weight x (sum of the weights of the fields it appears in), at most this.
    field_cap: float = Field(default=2.0, gt=0)
    # Within a domain, the n-th strongest positive keyword counts decay**(n-1) of its points: a
    # subject named several ways is one subject, and a long capability list that touches many
    # terms once each should not add up to a main subject. 1 means plain sums.
    keyword_decay: float = Field(default=1.0, gt=0, le=1)
    # Opt-in: within this practice an asset keeps a domain only when its score is at least this
    # fraction of its best domain score here (the best always stays). Most wrong domains were
    # side topics of an asset that does belong to the practice. None (default) keeps them all.
    runner_up_ratio: float | None = Field(default=None, gt=0, le=1)
    # Opt-in: a description the scanner wrote itself (the same "Claude integration in python
    # (...)" for every code file that imports an SDK) is not the upstream's words. Keyword rules
    # do not match it, and term weighting compares vectors without it (the asset's and the
    # exemplars'). Off by default: the other practices classify as before.
    ignore_generated_description: bool = False
    # Fields whose matches support a domain but cannot establish it on their own.
    supporting_fields: tuple[TextField, ...] = ("headings",)
    # Assets this practice never classifies (e.g. the marketplace's own generated plugins).
    exclude_paths: tuple[str, ...] = ()

    @field_validator("context_kinds")
    @classmethod
    def _known_kinds(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        known = {kind.value for kind in AssetKind}
        unknown = [k for k in value if k not in known]
        if unknown:
            raise ValueError(f"unknown asset kind(s) {', '.join(unknown)}")
        return value

    @field_validator("field_weights")
    @classmethod
    def _all_fields(cls, value: dict[str, float]) -> dict[str, float]:
        missing = [f for f in TEXT_FIELDS if f not in value]
        if missing:
            raise ValueError(f"missing weights for {', '.join(missing)}")
        negative = [f for f, w in value.items() if w < 0]
        if negative:
            raise ValueError(f"weights must not be negative ({', '.join(negative)})")
        return value

    @field_validator("exclude_paths")
    @classmethod
    def _valid_patterns(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        problems = [p for p in map(pattern_problem, value) if p]
        if problems:
            raise ValueError("; ".join(problems))
        return value


# --- what the render stage writes -------------------------------------------------------------


class ConventionSection(_Model):
    title: str = Field(min_length=1)
    rules: tuple[str, ...] = Field(min_length=1)


class McpServer(_Model):
    """A stdio server (command, args, env) or a remote one (type, url)."""

    command: str | None = None
    args: tuple[str, ...] = ()
    env: dict[str, str] = Field(default_factory=dict)
    type: Literal["http", "sse"] | None = None
    url: str | None = None

    @model_validator(mode="after")
    def _one_transport(self) -> McpServer:
        stdio = self.command is not None
        remote = self.type is not None or self.url is not None
        if stdio == remote:
            raise ValueError("give either `command` (stdio) or `type` and `url` (remote)")
        if remote and (self.type is None or not self.url):
            raise ValueError("a remote server needs both `type` and `url`")
        if remote and (self.args or self.env):
            raise ValueError("`args` and `env` belong to stdio servers")
        if self.url is not None and not self.url.startswith("https://"):
            raise ValueError("a remote server url must start with https://")
        return self


class McpIntegration(_Model):
    name: str
    package: str = Field(min_length=1)
    purpose: str = Field(min_length=1)
    server: McpServer

    @field_validator("name")
    @classmethod
    def _kebab(cls, value: str) -> str:
        return _check_kebab(value)


class CommandSpec(_Model):
    name: str
    description: str = Field(min_length=1, max_length=1024)
    purpose: str = Field(min_length=1)

    @field_validator("name")
    @classmethod
    def _kebab(cls, value: str) -> str:
        return _check_kebab(value)


class AgentSpec(_Model):
    name: str
    description: str = Field(min_length=1, max_length=1024)
    focus: tuple[str, ...] = Field(min_length=1)

    @field_validator("name")
    @classmethod
    def _kebab(cls, value: str) -> str:
        return _check_kebab(value)


class HookSpec(_Model):
    event: str
    matcher: str = ""
    purpose: str = Field(min_length=1)
    command: str = Field(min_length=1)

    @field_validator("event")
    @classmethod
    def _known_event(cls, value: str) -> str:
        if value not in HOOK_EVENTS:
            raise ValueError(f"{value!r} is not a Claude Code hook event{hook_event_hint(value)}")
        return value

    @field_validator("matcher")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as err:
            raise ValueError(f"{value!r} is not a valid regular expression ({err})") from err
        return value


class Practice(_Model):
    """One practice file, validated. The render stage builds the plugin from it."""

    schema_version: Literal[1]
    id: str
    plugin: str
    title: str = Field(min_length=1)
    description: str = Field(min_length=1, max_length=1024)
    version: str
    version_policy: str = Field(min_length=1)
    classification: Classification
    domains: tuple[Domain, ...] = Field(min_length=1)
    conventions: tuple[ConventionSection, ...] = ()
    mcp_integrations: tuple[McpIntegration, ...] = ()
    commands: tuple[CommandSpec, ...] = ()
    agent: AgentSpec | None = None
    hooks: tuple[HookSpec, ...] = ()

    @field_validator("id", "plugin")
    @classmethod
    def _kebab(cls, value: str) -> str:
        return _check_kebab(value)

    @field_validator("version")
    @classmethod
    def _semver(cls, value: str) -> str:
        if not SEMVER_RE.match(value):
            raise ValueError(f"{value!r} is not a semantic version (MAJOR.MINOR.PATCH)")
        return value

    @model_validator(mode="after")
    def _unique_names(self) -> Practice:
        for label, names in (
            ("domain id", [d.id for d in self.domains]),
            ("MCP integration name", [m.name for m in self.mcp_integrations]),
            ("command name", [c.name for c in self.commands]),
        ):
            seen: set[str] = set()
            for name in names:
                if name in seen:
                    raise ValueError(f"duplicate {label} {name!r}")
                seen.add(name)
        return self

    def domain(self, domain_id: str) -> Domain | None:
        for domain in self.domains:
            if domain.id == domain_id:
                return domain
        return None

    def threshold_of(self, domain: Domain) -> float:
        return domain.threshold if domain.threshold is not None else self.classification.threshold


# --- loading ------------------------------------------------------------------------------------


def _where(raw: object, loc: Sequence[int | str]) -> str:
    """A pydantic location in the file's own terms: `domains[2] (id 'auth').rules.keywords[0]`."""
    parts: list[str] = []
    node: object = raw
    for part in loc:
        if isinstance(part, int):
            label = f"[{part}]"
            if isinstance(node, list) and part < len(node):
                node = node[part]
                if isinstance(node, dict):
                    ident = node.get("id", node.get("name"))
                    if isinstance(ident, str):
                        label += f" ({ident!r})"
            else:
                node = None
            if parts:
                parts[-1] += label
            else:
                parts.append(label)
        else:
            parts.append(part)
            node = node.get(part) if isinstance(node, dict) else None
    return ".".join(parts) or "top level"


def _describe(raw: object, error: Any) -> str:
    loc: tuple[int | str, ...] = tuple(error["loc"])
    kind = error["type"]
    if kind == "extra_forbidden":
        return f"{_where(raw, loc[:-1])}: {unknown_key(loc[-1], known_keys(Practice))}"
    if kind == "missing":
        return f"{_where(raw, loc[:-1])}: missing required key {str(loc[-1])!r}"
    if kind == "value_error":
        message = str(error["ctx"]["error"])
    elif kind == "literal_error" and loc == ("schema_version",):
        message = f"must be {SCHEMA_VERSION} (got {brief(error['input'])})"
    else:
        message = str(error["msg"])
    return f"{_where(raw, loc)}: {message}"


def _read_yaml(path: Path) -> object:
    return load_manifest_yaml(path)


def load_practice(path: Path, read: Callable[[Path], object] = _read_yaml) -> Practice:
    """One practice file. Its `id` must equal the file name without `.yaml`. `read` parses the
    YAML (scanner.manifest_cache keeps parsed files between scans)."""
    raw = read(path)
    if not isinstance(raw, dict):
        raise ManifestError(str(path), ["the file must be a mapping (schema_version, id, ...)"])
    problems: list[str] = []
    practice: Practice | None = None
    try:
        practice = Practice.model_validate(raw)
    except ValidationError as err:
        problems.extend(_describe(raw, e) for e in err.errors(include_url=False))
    if isinstance(raw.get("id"), str) and raw["id"] != path.stem:
        problems.append(f"id: {raw['id']!r} must equal the file name {path.stem!r}")
    if problems or practice is None:
        raise ManifestError(str(path), problems)
    return practice


def load_practices(
    folder: Path, read: Callable[[Path], object] = _read_yaml
) -> tuple[Practice, ...]:
    """Every `*.yaml` practice in `folder`, sorted by id."""
    if not folder.is_dir():
        raise ManifestError(str(folder), ["the practices folder does not exist"])
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise ManifestError(str(folder), ["no practice file (*.yaml) in this folder"])
    practices = [load_practice(path, read) for path in files]
    plugins: dict[str, Path] = {}
    for path, practice in zip(files, practices, strict=True):
        first = plugins.setdefault(practice.plugin, path)
        if first != path:
            problem = f"plugin: {practice.plugin!r} is already the plugin of {first}"
            raise ManifestError(str(path), [problem])
    return tuple(sorted(practices, key=lambda p: p.id))
