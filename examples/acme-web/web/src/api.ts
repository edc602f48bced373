// The only module of the UI that talks to the server.
export interface Session {
  id: string;
  project: string;
  prompt: string;
  status: 'queued' | 'running' | 'done' | 'failed';
}

async function request<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(`/api${path}`, {
    headers: { 'content-type': 'application/json' },
    ...init,
  });
  if (!response.ok) {
    throw new Error(`${init?.method ?? 'GET'} ${path}: HTTP ${response.status}`);
  }
  return (await response.json()) as T;
}

export async function listSessions(): Promise<Session[]> {
  const body = await request<{ data: Session[] }>('/sessions');
  return body.data;
}

export function startSession(input: { project: string; prompt: string }): Promise<Session> {
  return request<Session>('/sessions', { method: 'POST', body: JSON.stringify(input) });
}
