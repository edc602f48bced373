"""JavaScript (and the frameworks TypeScript shares with it): the grammar and query
(javascript.scm), relative imports resolved to files of the repository, and the frameworks,
MCP and Claude SDKs its imports name."""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

import tree_sitter_javascript

from scanner.languages.base import Frameworks, LanguageSpec, first_located, signals
from scanner.models import Asset
from scanner.paths import join_path

if TYPE_CHECKING:
    from scanner.graph.index import RefIndex
    from scanner.graph.model import Target

# What an extensionless relative import may name, in the order a bundler tries them.
EXTENSIONS = (".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts", ".json")
# TypeScript written for ES modules imports `./x.js` and means the source `./x.ts`.
RUNTIME_TO_SOURCE = {
    ".js": (".ts", ".tsx"),
    ".jsx": (".tsx",),
    ".mjs": (".mts",),
    ".cjs": (".cts",),
}


def resolve_import(index: RefIndex, asset: Asset, spec: str) -> Target | None:
    if not spec.startswith(("./", "../")) and spec not in (".", ".."):
        return None  # a package, a `node:` builtin, or a bundler alias
    base = join_path(posixpath.dirname(asset.path), spec)
    stem, ext = posixpath.splitext(base)
    candidates = [base]
    candidates += [stem + alt for alt in RUNTIME_TO_SOURCE.get(ext, ())]
    candidates += [base + e for e in EXTENSIONS]
    candidates += [f"{base}/index{e}" for e in EXTENSIONS]
    return first_located(index, asset.repo, candidates) or index.missing(asset.repo, base)


FRAMEWORKS = Frameworks(
    imports=signals(
        ("express", "Express"),
        ("fastify", "Fastify"),
        ("@fastify", "Fastify"),
        ("@trpc/server", "tRPC"),
        ("@nestjs/core", "NestJS"),
        ("@nestjs/common", "NestJS"),
        ("koa", "Koa"),
        ("hono", "Hono"),
        ("graphql", "GraphQL"),
        ("@apollo/server", "GraphQL"),
        ("apollo-server", "GraphQL"),
        ("@grpc/grpc-js", "gRPC"),
        ("@prisma/client", "Prisma"),
        ("prisma", "Prisma"),
        ("pg", "PostgreSQL"),
        ("mongoose", "MongoDB"),
        ("mongodb", "MongoDB"),
        ("ioredis", "Redis"),
        ("kafkajs", "Kafka"),
        ("amqplib", "RabbitMQ"),
        ("bullmq", "BullMQ"),
        ("jsonwebtoken", "JWT"),
        ("bcryptjs", "bcrypt"),
        ("better-sqlite3", "SQLite"),
        ("drizzle-orm", "Drizzle"),
        ("socket.io", "Socket.IO"),
        ("ws", "WebSocket"),
    ),
    servers=frozenset({"Express", "Fastify", "tRPC", "NestJS", "Koa", "Hono", "GraphQL", "gRPC"}),
    entry_calls=frozenset(
        {
            "express",
            "express.Router",
            "fastify",
            "Fastify",
            "initTRPC.create",
            "router",
            "createHTTPServer",
            "NestFactory.create",
            "Koa",
            "Hono",
            "ApolloServer",
            "graphqlHTTP",
            "app.listen",
            "server.listen",
        }
    ),
    mcp_server_imports=signals(
        ("@modelcontextprotocol/sdk/server", "MCP TypeScript SDK (server)"),
    ),
    mcp_sdk_roots=("@modelcontextprotocol/sdk",),
    mcp_server_calls=frozenset({"McpServer", "Server"}),
    agent_sdk_roots=("@anthropic-ai/claude-agent-sdk",),
    agent_sdk_server_calls=frozenset({"createSdkMcpServer"}),
    claude_imports=signals(
        ("@anthropic-ai/sdk", "Anthropic TypeScript SDK"),
        ("@anthropic-ai/claude-agent-sdk", "Claude Agent SDK (TypeScript)"),
        ("@anthropic-ai/claude-code", "Claude Code SDK (TypeScript)"),
    ),
    package_servers=frozenset(
        {"Express", "Fastify", "tRPC", "NestJS", "Koa", "Hono", "GraphQL", "gRPC"}
    ),
)

LANGUAGE = LanguageSpec(
    name="javascript",
    grammars={"javascript": tree_sitter_javascript.language},
    query="javascript.scm",
    extensions={
        ".js": "javascript",
        ".mjs": "javascript",
        ".cjs": "javascript",
        ".jsx": "javascript",
    },
    resolve_import=resolve_import,
    frameworks=FRAMEWORKS,
)
