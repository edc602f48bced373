"""MCP server exposing the service registry to Claude.

Run with `python -m harness.mcp_server`; it speaks MCP over stdio.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from mcp.server.fastmcp import FastMCP

mcp = FastMCP("acme-harness")


@dataclass(frozen=True)
class Service:
    name: str
    owner: str
    language: str
    database: str
    queues: tuple[str, ...]


REGISTRY: dict[str, Service] = {
    "orders": Service("orders", "team-checkout", "go", "postgres", ("orders.created",)),
    "billing": Service("billing", "team-payments", "python", "postgres", ("invoices.due",)),
    "catalog": Service("catalog", "team-discovery", "typescript", "sqlite", ()),
}


@mcp.tool()
def list_services() -> list[str]:
    """List the names of every service in the registry."""
    return sorted(REGISTRY)


@mcp.tool()
def describe_service(name: str) -> dict[str, object]:
    """Return the owner, language, database and queues of one service."""
    service = REGISTRY.get(name)
    if service is None:
        raise ValueError(f"unknown service {name!r}; known: {', '.join(sorted(REGISTRY))}")
    return asdict(service)


@mcp.tool()
def services_using(database: str) -> list[str]:
    """List the services that store their data in the given database engine."""
    return sorted(s.name for s in REGISTRY.values() if s.database == database)


@mcp.resource("registry://services")
def registry_overview() -> str:
    """A one-line-per-service overview, for context at the start of a review."""
    return "\n".join(
        f"{s.name}: {s.language}, {s.database}, owned by {s.owner}" for s in REGISTRY.values()
    )


if __name__ == "__main__":
    mcp.run()
