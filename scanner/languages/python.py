"""Python: the grammar and query (python.scm), imports resolved to modules and packages of the
repository, and the frameworks, MCP and Claude SDKs its imports name."""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

import tree_sitter_python

from scanner.languages.base import Frameworks, LanguageSpec, first_located, signals
from scanner.models import Asset
from scanner.paths import ancestors, join_path

if TYPE_CHECKING:
    from scanner.graph.index import RefIndex
    from scanner.graph.model import Target


def resolve_import(index: RefIndex, asset: Asset, module: str) -> Target | None:
    folder = posixpath.dirname(asset.path)
    if module.startswith("."):
        dots = len(module) - len(module.lstrip("."))
        package = folder
        for _ in range(dots - 1):
            package = posixpath.dirname(package)
        rest = module[dots:].replace(".", "/")
        base = join_path(package, rest) if rest else package
        candidates = [f"{base}.py", f"{base}/__init__.py"] if rest else [f"{base}/__init__.py"]
        found = first_located(index, asset.repo, candidates)
        if found is None and index.is_dir(asset.repo, base):
            found = index.locate(asset.repo, base)  # a namespace package
        return found or index.missing(asset.repo, candidates[0])
    if module == "__future__":
        return None
    rel = module.replace(".", "/")
    roots = [*ancestors(folder), "src"]
    for root in roots:
        base = f"{root}/{rel}" if root else rel
        found = first_located(index, asset.repo, (f"{base}.py", f"{base}/__init__.py"))
        if found is not None:
            return found
    return None  # a package from outside the repository


FRAMEWORKS = Frameworks(
    imports=signals(
        ("fastapi", "FastAPI"),
        ("django", "Django"),
        ("flask", "Flask"),
        ("starlette", "Starlette"),
        ("sqlalchemy", "SQLAlchemy"),
        ("psycopg", "psycopg"),
        ("psycopg2", "psycopg"),
        ("asyncpg", "asyncpg"),
        ("redis", "Redis"),
        ("aiokafka", "Kafka"),
        ("kafka", "Kafka"),
        ("confluent_kafka", "Kafka"),
        ("pika", "RabbitMQ"),
        ("aio_pika", "RabbitMQ"),
        ("celery", "Celery"),
        ("jwt", "JWT"),
        ("jose", "JWT"),
        ("passlib", "passlib"),
        ("bcrypt", "bcrypt"),
        ("argon2", "Argon2"),
        ("grpc", "gRPC"),
        ("strawberry", "GraphQL"),
        ("graphene", "GraphQL"),
        ("ariadne", "GraphQL"),
        ("uvicorn", "Uvicorn"),
    ),
    servers=frozenset({"FastAPI", "Django", "Flask", "Starlette", "GraphQL", "gRPC"}),
    entry_calls=frozenset(
        {
            "FastAPI",
            "APIRouter",
            "Flask",
            "Starlette",
            "grpc.server",
            "uvicorn.run",
            "path",
            "urlpatterns",
        }
    ),
    mcp_server_imports=signals(
        ("mcp.server", "MCP Python SDK (server)"),
        ("fastmcp", "FastMCP"),
    ),
    mcp_sdk_roots=("mcp",),
    mcp_server_calls=frozenset({"FastMCP", "Server"}),
    agent_sdk_roots=("claude_agent_sdk",),
    agent_sdk_server_calls=frozenset({"create_sdk_mcp_server"}),
    claude_imports=signals(
        ("anthropic", "Anthropic Python SDK"),
        ("claude_agent_sdk", "Claude Agent SDK (Python)"),
        ("claude_code_sdk", "Claude Code SDK (Python)"),
    ),
)

LANGUAGE = LanguageSpec(
    name="python",
    grammars={"python": tree_sitter_python.language},
    query="python.scm",
    extensions={".py": "python"},
    resolve_import=resolve_import,
    frameworks=FRAMEWORKS,
)
