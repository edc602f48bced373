"""Exemplar support (opt-in per practice: similarity.exemplar_support_floor).

An exemplar within exemplar_floor of an asset establishes a domain; one a little further away
says the asset resembles the domain's vouched-for members, but that alone is weak (an ordinary
code file shares path words such as `py`, `src` and `backend` with a harness's). With the
setting, the nearest exemplar from the support floor up to exemplar_floor adds cosine x weight
as support: it counts only when the asset's own words, a keyword or path rule of the domain,
establish the domain too (never a code signal, never similarity alone). It can then lift such
an asset over the threshold."""

from __future__ import annotations

from collections.abc import Sequence

from scanner.classify_outcome import RuleOutcome, points_of
from scanner.practices import Similarity
from scanner.similarity import Nearest, SimilarityModel

SUPPORT_RULE = "near an exemplar"
# Rules that read the asset's own words: only they let exemplar support count.
_WORD_RULES = ("keyword ", "path ")


def exemplar_support(
    practice: str,
    domain: str,
    settings: Similarity,
    nearest: Nearest,
    model: SimilarityModel,
    asset_id: str,
    *,
    upstream_only: bool,
) -> RuleOutcome | None:
    """The support outcome when the nearest exemplar sits from the support floor up to (not
    including) exemplar_floor; None when the setting is off or the exemplar is out of range."""
    floor = settings.exemplar_support_floor
    if floor is None or not floor <= nearest.score < settings.exemplar_floor:
        return None
    points = points_of(nearest.score * settings.exemplar_weight)
    words = model.exemplar_terms(asset_id, nearest.exemplar, upstream_only)
    detail = (
        f"{nearest.exemplar} (cosine {nearest.score:.2f} x {settings.exemplar_weight:g}: "
        f"{', '.join(words)}; from {floor:g} to {settings.exemplar_floor:g} it only supports)"
    )
    return RuleOutcome(practice, domain, SUPPORT_RULE, True, points, detail, False)


def gate_support(outcomes: Sequence[RuleOutcome]) -> list[RuleOutcome]:
    """One domain's outcomes with exemplar support kept only where a keyword or path rule
    establishes the domain; otherwise it is shown as not counted (0 points)."""
    words = any(o.establishes and o.rule.startswith(_WORD_RULES) for o in outcomes)
    if words or not any(o.rule == SUPPORT_RULE and o.fired for o in outcomes):
        return list(outcomes)
    why = "not counted: no keyword or path rule establishes the domain"
    return [
        RuleOutcome(o.practice, o.domain, o.rule, False, 0.0, f"{o.detail}; {why}")
        if o.rule == SUPPORT_RULE and o.fired
        else o
        for o in outcomes
    ]
