// The browser UI: lists agent sessions and starts new ones. Frontend only.
import { useEffect, useState } from 'react';

import { listSessions, startSession, type Session } from './api';

export default function App() {
  const [sessions, setSessions] = useState<Session[]>([]);
  const [prompt, setPrompt] = useState('');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    listSessions().then(setSessions).catch((e: unknown) => setError(String(e)));
  }, []);

  async function onSubmit(event: React.FormEvent) {
    event.preventDefault();
    if (!prompt.trim()) return;
    try {
      const created = await startSession({ project: 'default', prompt });
      setSessions((previous) => [created, ...previous]);
      setPrompt('');
    } catch (e) {
      setError(String(e));
    }
  }

  return (
    <main className="app">
      <h1>Agent sessions</h1>
      {error && <p role="alert">{error}</p>}
      <form onSubmit={onSubmit}>
        <textarea value={prompt} onChange={(e) => setPrompt(e.target.value)} rows={3} />
        <button type="submit" disabled={!prompt.trim()}>
          Start session
        </button>
      </form>
      <ul>
        {sessions.map((session) => (
          <li key={session.id}>
            <strong>{session.project}</strong> - {session.status}
          </li>
        ))}
      </ul>
    </main>
  );
}
