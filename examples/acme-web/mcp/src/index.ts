#!/usr/bin/env node
// MCP server that lets Claude read the state of UI sessions. Read-only by design.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const API = process.env.ACME_WEB_API ?? 'http://localhost:3001/api';

const server = new McpServer({ name: 'acme-ui', version: '0.2.1' });

async function getJson(path: string): Promise<unknown> {
  const response = await fetch(`${API}${path}`, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) {
    throw new Error(`GET ${path} failed with HTTP ${response.status}`);
  }
  return response.json();
}

server.tool(
  'list_sessions',
  'List recent UI sessions with their project and status',
  { limit: z.number().int().min(1).max(100).default(20) },
  async ({ limit }) => {
    const body = await getJson(`/sessions?limit=${limit}`);
    return { content: [{ type: 'text', text: JSON.stringify(body, null, 2) }] };
  },
);

server.tool(
  'get_session',
  'Show one UI session by id, including the prompt it was started with',
  { id: z.string().regex(/^\d+$/) },
  async ({ id }) => {
    try {
      const body = await getJson(`/sessions/${id}`);
      return { content: [{ type: 'text', text: JSON.stringify(body, null, 2) }] };
    } catch (error) {
      return { isError: true, content: [{ type: 'text', text: String(error) }] };
    }
  },
);

const transport = new StdioServerTransport();
await server.connect(transport);
