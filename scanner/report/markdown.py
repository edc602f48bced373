"""The report as Markdown, for a pull request body or comment."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from scanner.escape import markdown_code, markdown_text, markdown_url
from scanner.report.model import AssetChange, AssetRef, RepoChange, RepoStatus, ScanDiff

#: GitHub refuses pull-request bodies and comments over 65,536 characters; leave room for the
#: sticky-comment action's marker.
MARKDOWN_BUDGET = 60_000

_NO_DOMAIN = "(no domain)"
_T = TypeVar("_T")


def _code(text: str) -> str:
    """Harvested text (a path, a name) as code: the one Markdown escaping (scanner.escape)."""
    return markdown_code(text)


def _short(commit: str) -> str:
    return commit[:7] if commit else "?"


def _linked(ref: AssetRef, text: str | None = None) -> str:
    shown = _code(text if text is not None else ref.path)
    url = markdown_url(ref.url)
    return f"[{shown}]({url})" if url else shown


def _commit_range(repo: RepoChange) -> str:
    if repo.status is RepoStatus.REMOVED:
        return f"removed from the manifest (was {_code(_short(repo.old_commit))})"
    if repo.status is RepoStatus.STALE:
        if not repo.old_commit:
            return "**stale**: sync failed (never scanned)"
        return f"**stale**: sync failed (kept {_code(_short(repo.old_commit))})"
    if repo.status is RepoStatus.ADDED:
        return f"added at {_code(_short(repo.new_commit))}"
    if repo.status is RepoStatus.UNCHANGED:
        return f"{_code(_short(repo.new_commit))} (unchanged)"
    text = f"{_short(repo.old_commit)}...{_short(repo.new_commit)}"
    return f"[{_code(text)}]({repo.compare_url})" if repo.compare_url else _code(text)


def _count(n: int) -> str:
    return str(n) if n else "·"


def _summary_lines(diff: ScanDiff) -> list[str]:
    c = diff.counts
    lines = [
        f"**{c['new']} new · {c['changed']} changed · {c['moved']} moved · "
        f"{c['removed']} removed · {c['reclassified']} reclassified** "
        f"({c['assets_before']} → {c['assets_after']} assets in {c['repositories']} repositories)",
        "",
    ]
    named = f" ({diff.baseline})" if diff.baseline else ""
    if not diff.has_baseline:
        lines += [f"No baseline catalog{named}: every asset counts as new.", ""]
    else:
        if diff.baseline:
            lines += [f"Baseline: {diff.baseline}.", ""]
        if not diff.has_changes:
            lines += ["No asset changed since the baseline.", ""]
    lines += [
        "| repository | commits | new | changed | moved | removed | reclassified |",
        "| --- | --- | --: | --: | --: | --: | --: |",
    ]
    for repo in diff.repositories:
        if repo.status is RepoStatus.STALE:
            cells = ["–"] * 5
        else:
            cells = [
                _count(n)
                for n in (repo.new, repo.changed, repo.moved, repo.removed, repo.reclassified)
            ]
        lines.append(f"| {repo.name} | {_commit_range(repo)} | " + " | ".join(cells) + " |")
    totals = [c["new"], c["changed"], c["moved"], c["removed"], c["reclassified"]]
    lines.append("| **total** | | " + " | ".join(f"**{n}**" for n in totals) + " |")
    return [*lines, ""]


def _pin_lines(diff: ScanDiff) -> list[str]:
    lines: list[str] = []
    if diff.broken_pins:
        lines += [
            "> [!CAUTION]",
            f"> **{len(diff.broken_pins)} broken featured pin(s)**: these featured assets are "
            "gone. Fix the practice manifest.",
            ">",
        ]
        for pin in diff.broken_pins:
            seen = (
                f" (last seen [here]({markdown_url(pin.last_seen.url)}))"
                if pin.last_seen and (pin.last_seen.url)
                else ""
            )
            lines.append(f"> - {_code(pin.pin)}: {markdown_text(pin.reason)}{seen}")
        lines.append("")
    if diff.followed_pins:
        lines += [
            "### Featured pins that moved",
            "",
            "The pins follow their assets; update the practice manifest to the new paths:",
            "",
            "```diff",
        ]
        lines += [pin.suggested_edit for pin in diff.followed_pins]
        lines += ["```", ""]
    return lines


def _stale_lines(diff: ScanDiff) -> list[str]:
    stale = diff.repos_with(RepoStatus.STALE)
    if not stale:
        return []
    lines = [
        "> [!WARNING]",
        "> **Stale repositories**: these could not be synced. Their assets are kept from the "
        "previous scan, marked stale, and are not reported as removed.",
        ">",
    ]
    for repo in stale:
        where = (
            f"{repo.assets_after} assets kept, last scanned at {_code(_short(repo.old_commit))}"
            if repo.old_commit
            else "never scanned"
        )
        reason = markdown_text(repo.reason) if repo.reason else "sync failed"
        lines.append(f"> - **{repo.name}** ({where}): {reason}")
    return [*lines, ""]


def _domain_lines(diff: ScanDiff) -> list[str]:
    columns = ("new", "changed", "moved", "removed", "reclassified in", "reclassified out")
    table: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(columns, 0))

    def count(domains: Sequence[str], column: str) -> None:
        for domain in domains or (_NO_DOMAIN,):
            table[domain][column] += 1

    for ref in diff.new:
        count(ref.domains, "new")
    for change in diff.changed:
        count(change.after.domains, "changed")
    for change in diff.moved:
        count(change.after.domains, "moved")
    for ref in diff.removed:
        count(ref.domains, "removed")
    for item in diff.reclassified:
        for domain in item.added:
            table[domain]["reclassified in"] += 1
        for domain in item.removed:
            table[domain]["reclassified out"] += 1
    if not table:
        return []
    lines = [
        "### Changes per domain",
        "",
        "| domain | " + " | ".join(columns) + " |",
        "| --- |" + " --: |" * len(columns),
    ]
    for domain in sorted(table, key=lambda d: (d == _NO_DOMAIN, d)):
        row = table[domain]
        lines.append(f"| {domain} | " + " | ".join(_count(row[c]) for c in columns) + " |")
    return [*lines, ""]


def _capped(items: list[str], cap: int | None) -> list[str]:
    if cap is None or len(items) <= cap:
        return items
    return [*items[:cap], f"- … and {len(items) - cap} more (see scan-diff.json)"]


def _repo_sections(diff: ScanDiff, cap: int | None) -> list[str]:
    new_by = _group(diff.new, lambda a: a.repo)
    removed_by = _group(diff.removed, lambda a: a.repo)
    changed_by = _group(diff.changed, lambda c: c.after.repo)
    moved_by = _group(diff.moved, lambda m: m.after.repo)
    reclassified_by = _group(diff.reclassified, lambda r: r.asset.repo)
    lines: list[str] = []
    for repo in diff.repositories:
        if not repo.asset_changes:
            continue
        parts = [
            f"{n} {label}"
            for n, label in (
                (repo.new, "new"),
                (repo.changed, "changed"),
                (repo.moved, "moved"),
                (repo.removed, "removed"),
                (repo.reclassified, "reclassified"),
            )
            if n
        ]
        summary = f"<b>{repo.name}</b>: {', '.join(parts)}"
        lines += ["<details>", f"<summary>{summary}</summary>", ""]
        lines += [f"Commits: {_commit_range(repo)}", ""]
        if repo.rename_detection == "content-only" and repo.moved + repo.new + repo.removed:
            lines += [
                "_History unavailable: only unedited moves are detected here; an edited move "
                "reads as removed + new._",
                "",
            ]
        sections: list[tuple[str, list[str]]] = [
            ("New", [f"- {_linked(a)} ({a.kind})" for a in new_by.get(repo.name, [])]),
            (
                "Changed",
                [
                    f"- {_linked(c.after)} ({_kind_change(c)}, "
                    f"{_code(c.before.blob_sha[:7])} → {_code(c.after.blob_sha[:7])})"
                    for c in changed_by.get(repo.name, [])
                ],
            ),
            (
                "Moved",
                [
                    f"- {_code(m.before.path)} → {_linked(m.after)} ({m.after.kind}"
                    f"{', edited' if m.edited else ''})"
                    for m in moved_by.get(repo.name, [])
                ],
            ),
            (
                "Removed",
                [f"- {_linked(a)} ({a.kind})" for a in removed_by.get(repo.name, [])],
            ),
            (
                "Reclassified",
                [
                    f"- {_linked(r.asset)}: "
                    + ", ".join([f"+{d}" for d in r.added] + [f"−{d}" for d in r.removed])
                    for r in reclassified_by.get(repo.name, [])
                ],
            ),
        ]
        for title, items in sections:
            if items:
                lines += [f"**{title}**", "", *_capped(items, cap), ""]
        lines += ["</details>", ""]
    return lines


def _kind_change(change: AssetChange) -> str:
    if change.before.kind != change.after.kind:
        return f"{change.before.kind} → {change.after.kind}"
    return change.after.kind


def _group(items: Iterable[_T], key: Callable[[_T], str]) -> dict[str, list[_T]]:
    out: dict[str, list[_T]] = defaultdict(list)
    for item in items:
        out[key(item)].append(item)
    return out


_HEADER = "<!-- Generated by the ProAgent asset scanner (scanner diff). Do not edit. -->"


def _withheld_lines(diff: ScanDiff) -> list[str]:
    if not diff.withheld:
        return []
    lines = [
        "### Plugins not published",
        "",
        "Below the publishing threshold (manifests/publishing.yaml); left out of marketplace.json:",
        "",
    ]
    lines += [f"- `{plugin}`: {'; '.join(reasons)}" for plugin, reasons in diff.withheld]
    return [*lines, ""]


def _render(diff: ScanDiff, cap: int | None) -> str:
    lines = [_HEADER, "## Scan diff", ""]
    lines += _pin_lines(diff)
    lines += _withheld_lines(diff)
    lines += _summary_lines(diff)
    lines += _stale_lines(diff)
    lines += _domain_lines(diff)
    sections = _repo_sections(diff, cap)
    if sections:
        lines += ["### Per repository", "", *sections]
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"


def render_diff_markdown(diff: ScanDiff, *, budget: int = MARKDOWN_BUDGET) -> str:
    """The report for a pull request body or comment: broken pins first, a summary table, stale
    repositories, changes per domain, then one collapsible section per repository. Lists are
    shortened (the rest is in scan-diff.json) until the text fits `budget` characters."""
    text = _render(diff, None)
    for cap in (200, 100, 50, 20, 10, 5, 0):
        if len(text) <= budget:
            break
        text = _render(diff, cap)
    return text
