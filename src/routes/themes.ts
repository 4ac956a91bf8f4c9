import { z } from '@hono/zod-openapi';
import { database } from '../platform/d1.ts';
import { ApiError } from '../platform/problem.ts';
import { createRouter } from '../platform/router.ts';
import { adminRoute, readRoute } from '../workspace/keyed-route.ts';
import { jsonBody } from '../platform/json-body.ts';
import { json, jsonRequest, Key, problems, KeyParams } from '../platform/openapi.ts';
import { words } from '../insights/matching.ts';
import { deleteTheme, listThemes, putTheme, THEME_LIMITS } from '../insights/themes.ts';
import { themesChanged } from '../rollup/theme-days.ts';
import { ensureDrain } from '../jobs/drain.ts';

// A term must fold to at least one word, or it could never match anything.
const Term = z
  .string()
  .max(THEME_LIMITS.termLength)
  .refine((t) => words(t).length > 0, 'must contain at least one word');
const Terms = z.array(Term).max(THEME_LIMITS.termsPerLanguage).default([]);
const ThemeInput = z
  .object({
    name: z.string().min(1).max(THEME_LIMITS.nameLength),
    terms: z
      .object({ es: Terms, en: Terms })
      .strict()
      .refine((t) => t.es.length + t.en.length > 0, 'give at least one term in es or en'),
    polarity: z
      .enum(['negative', 'positive', 'neutral'])
      .default('neutral')
      .openapi({ description: 'negative themes are the empathy map\'s frustrations; positive ones its motivations' }),
  })
  .strict()
  .openapi('ThemeInput');
const Theme = z
  .object({
    key: Key,
    name: z.string(),
    terms: z.object({ es: z.array(z.string()), en: z.array(z.string()) }),
    polarity: z.enum(['negative', 'positive', 'neutral']),
  })
  .openapi('Theme');
const tags = { tags: ['Themes'] };

export const themesRoutes = createRouter()
  .openapi(
    adminRoute({
      ...tags,
      method: 'put',
      path: '/{key}',
      summary: 'Create or update a theme: words to look for in survey comments (accent- and case-insensitive, whole words)',
      middleware: [jsonBody],
      request: { params: KeyParams, body: jsonRequest(ThemeInput) },
      responses: { 200: json(Theme, 'The theme as stored'), ...problems(400, 409, 413, 415) },
    }),
    async (c) => {
      const { key } = c.req.valid('param');
      const { workspaceId, timezone } = c.get('auth');
      const db = database(c.env.DB);
      const before = (await listThemes(db, workspaceId)).find((t) => t.key === key);
      const saved = await putTheme(db, workspaceId, key, c.req.valid('json'));
      if (saved === 'too-many') throw new ApiError(409, 'too-many-themes', `A workspace keeps at most ${THEME_LIMITS.themes} themes; delete one first.`);
      // New words: the days with comments are counted again by the drain.
      const reroll = !before || JSON.stringify(before.terms) !== JSON.stringify(saved.terms);
      if (await themesChanged(c.env.DB, workspaceId, timezone, reroll)) await ensureDrain(c.env, c.env.DB, workspaceId, Date.now());
      return c.json(saved, 200);
    },
  )
  .openapi(
    readRoute({
      ...tags,
      method: 'get',
      path: '/',
      summary: 'List themes',
      responses: { 200: json(z.object({ themes: z.array(Theme) }), 'Themes by key') },
    }),
    async (c) => c.json({ themes: await listThemes(database(c.env.DB), c.get('auth').workspaceId) }, 200),
  )
  .openapi(
    adminRoute({
      ...tags,
      method: 'delete',
      path: '/{key}',
      summary: 'Delete a theme',
      request: { params: KeyParams },
      responses: { 204: { description: 'Deleted' }, ...problems(400, 404) },
    }),
    async (c) => {
      const { key } = c.req.valid('param');
      const { workspaceId, timezone } = c.get('auth');
      if (!(await deleteTheme(database(c.env.DB), workspaceId, key))) {
        throw new ApiError(404, 'not-found', `No theme \`${key}\` in this workspace.`);
      }
      // Its words count as unthemed terms again: the days with comments are counted again.
      if (await themesChanged(c.env.DB, workspaceId, timezone, true)) await ensureDrain(c.env, c.env.DB, workspaceId, Date.now());
      return c.body(null, 204);
    },
  );
