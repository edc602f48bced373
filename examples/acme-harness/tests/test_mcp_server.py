"""Tests for the registry tools of the MCP server (called as plain functions)."""

import pytest

from harness import mcp_server


def test_list_services_is_sorted() -> None:
    assert mcp_server.list_services() == ["billing", "catalog", "orders"]


def test_describe_service_returns_owner_and_queues() -> None:
    described = mcp_server.describe_service("orders")
    assert described["owner"] == "team-checkout"
    assert described["queues"] == ("orders.created",)


def test_describe_unknown_service_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match="billing, catalog, orders"):
        mcp_server.describe_service("shipping")


def test_services_using_postgres() -> None:
    assert mcp_server.services_using("postgres") == ["billing", "orders"]
