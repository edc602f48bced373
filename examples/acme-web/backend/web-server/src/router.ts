// tRPC router for the new UI: projects and their agent runs, stored in SQLite.
import { initTRPC, TRPCError } from '@trpc/server';
import Database from 'better-sqlite3';
import { z } from 'zod';

const db = new Database(process.env.DATABASE_PATH ?? 'acme-web.db');
db.pragma('journal_mode = WAL');
db.pragma('foreign_keys = ON');

const t = initTRPC.create();

const listRuns = db.prepare(
  `SELECT id, project_id, status, created_at FROM runs
   WHERE project_id = ? AND id < ? ORDER BY id DESC LIMIT ?`,
);
const insertRun = db.prepare(
  `INSERT INTO runs (project_id, prompt, status) VALUES (?, ?, 'queued') RETURNING id`,
);
const getProject = db.prepare('SELECT id, name FROM projects WHERE id = ?');

export const appRouter = t.router({
  runs: t.router({
    list: t.procedure
      .input(
        z.object({
          projectId: z.number().int().positive(),
          cursor: z.number().int().positive().optional(),
          limit: z.number().int().min(1).max(100).default(20),
        }),
      )
      .query(({ input }) => {
        const rows = listRuns.all(input.projectId, input.cursor ?? Number.MAX_SAFE_INTEGER, input.limit + 1) as Array<{ id: number }>;
        const hasMore = rows.length > input.limit;
        const page = hasMore ? rows.slice(0, input.limit) : rows;
        return { items: page, nextCursor: hasMore ? page[page.length - 1].id : null };
      }),
    start: t.procedure
      .input(z.object({ projectId: z.number().int().positive(), prompt: z.string().min(1).max(20_000) }))
      .mutation(({ input }) => {
        if (!getProject.get(input.projectId)) {
          throw new TRPCError({ code: 'NOT_FOUND', message: 'project not found' });
        }
        const row = insertRun.get(input.projectId, input.prompt) as { id: number };
        return { id: row.id, status: 'queued' as const };
      }),
  }),
});

export type AppRouter = typeof appRouter;
