// Express server for the legacy UI: projects and Claude Code sessions.
'use strict';

const path = require('path');
const express = require('express');

const app = express();
const PORT = Number(process.env.PORT || 3001);

app.use(express.json({ limit: '1mb' }));
app.use(express.static(path.join(__dirname, '..', 'web', 'dist')));

// In-memory store; the new backend (backend/web-server) persists to SQLite.
const sessions = new Map();
let nextId = 1;

app.get('/api/health', (req, res) => {
  res.json({ status: 'ok', sessions: sessions.size });
});

app.get('/api/sessions', (req, res) => {
  const limit = Math.min(Number(req.query.limit) || 20, 100);
  res.json({ data: [...sessions.values()].slice(0, limit) });
});

app.post('/api/sessions', (req, res) => {
  const { project, prompt } = req.body || {};
  if (typeof project !== 'string' || typeof prompt !== 'string' || !prompt.trim()) {
    return res.status(400).json({
      error: { code: 'invalid_body', message: 'project and prompt are required strings' },
    });
  }
  const session = { id: String(nextId++), project, prompt, status: 'queued' };
  sessions.set(session.id, session);
  return res.status(201).json(session);
});

app.get('/api/sessions/:id', (req, res) => {
  const session = sessions.get(req.params.id);
  if (!session) {
    return res.status(404).json({ error: { code: 'not_found', message: 'no such session' } });
  }
  return res.json(session);
});

app.use((err, req, res, next) => {
  console.error(err);
  res.status(500).json({ error: { code: 'internal', message: 'unexpected error' } });
});

app.listen(PORT, () => {
  console.log(`legacy UI server listening on http://localhost:${PORT}`);
});
