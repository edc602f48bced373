"""One rule's verdict on one asset in one domain (scanner.classify explains with these)."""

from __future__ import annotations

from dataclasses import dataclass

from scanner.models import JsonObject


def points_of(value: float) -> float:
    return round(value, 2)


def format_points(value: float) -> str:
    return f"{points_of(value):+g}"


@dataclass(frozen=True, slots=True)
class RuleOutcome:
    """One rule's verdict on one asset in one domain."""

    practice: str
    domain: str
    rule: str  # what the rule is: 'keyword "cqrs"', 'path "agents/**"', 'signal frameworks', ...
    fired: bool
    points: float  # 0 when not fired
    detail: str = ""  # where it matched, or why not
    # Positive evidence outside the supporting fields (headings): only such evidence can put
    # an asset in a domain; headings alone merely support it.
    establishes: bool = False

    @property
    def reason(self) -> str:
        """The line a DomainAssignment carries, e.g. `keyword "cqrs" in name, path (+3)`."""
        where = f" {self.detail}" if self.detail else ""
        return f"{self.rule}{where} ({format_points(self.points)})"

    def to_json(self) -> JsonObject:
        return {
            "practice": self.practice,
            "domain": self.domain,
            "rule": self.rule,
            "fired": self.fired,
            "points": points_of(self.points),
            "detail": self.detail,
            "establishes": self.establishes,
        }
