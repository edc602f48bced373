"""Go: the grammar and query (go.scm), imports of this repository's own packages resolved to
their folders, and the frameworks, MCP and Claude SDKs its imports name."""

from __future__ import annotations

from typing import TYPE_CHECKING

import tree_sitter_go

from scanner.languages.base import Frameworks, LanguageSpec, signals
from scanner.models import Asset

if TYPE_CHECKING:
    from scanner.graph.index import RefIndex
    from scanner.graph.model import Target


def resolve_import(index: RefIndex, asset: Asset, module: str) -> Target | None:
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


FRAMEWORKS = Frameworks(
    imports=signals(
        ("github.com/gin-gonic/gin", "Gin"),
        ("github.com/labstack/echo", "Echo"),
        ("github.com/go-chi/chi", "Chi"),
        ("github.com/gorilla/mux", "Gorilla"),
        ("google.golang.org/grpc", "gRPC"),
        ("gorm.io/gorm", "GORM"),
        ("github.com/jackc/pgx", "PostgreSQL"),
        ("github.com/lib/pq", "PostgreSQL"),
        ("github.com/redis/go-redis", "Redis"),
        ("github.com/go-redis/redis", "Redis"),
        ("github.com/segmentio/kafka-go", "Kafka"),
        ("github.com/IBM/sarama", "Kafka"),
        ("github.com/rabbitmq/amqp091-go", "RabbitMQ"),
        ("github.com/golang-jwt/jwt", "JWT"),
    ),
    servers=frozenset({"Gin", "Echo", "Chi", "Gorilla", "gRPC"}),
    entry_calls=frozenset(
        {"grpc.NewServer", "gin.Default", "gin.New", "echo.New", "chi.NewRouter", "mux.NewRouter"}
    ),
    mcp_server_imports=signals(
        ("github.com/mark3labs/mcp-go/server", "mcp-go"),
        ("github.com/modelcontextprotocol/go-sdk/mcp", "MCP Go SDK"),
    ),
    mcp_sdk_roots=("github.com/mark3labs/mcp-go",),
    mcp_server_calls=frozenset({"NewMCPServer", "server.NewMCPServer"}),
    claude_imports=signals(("github.com/anthropics/anthropic-sdk-go", "Anthropic Go SDK")),
)

LANGUAGE = LanguageSpec(
    name="go",
    grammars={"go": tree_sitter_go.language},
    query="go.scm",
    extensions={".go": "go"},
    resolve_import=resolve_import,
    frameworks=FRAMEWORKS,
)
