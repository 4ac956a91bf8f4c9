// Every operation in /openapi.json, present and future, is tested for its auth: no key and a
// malformed key get 401, and each key whose scope is below the one the operation declares
// (`x-scope`, set by adminRoute/readRoute/ingestRoute/anyKeyRoute) gets 403. An operation that
// declares a bearer security but no scope fails the suite, and so does one that declares no
// security at all unless it is listed below with the credential it checks instead.
import { describe, expect, it } from 'vitest';
import { api, apiJson, newWorkspace, OPERATOR } from './helpers.ts';

type Operation = { security?: unknown[]; 'x-scope'?: string };
type Doc = { paths: Record<string, Record<string, Operation>> };

// Which keys must be refused (403) by an operation of each scope.
const BELOW: Record<string, ('ingest' | 'read' | 'admin')[]> = {
  admin: ['ingest', 'read'],
  read: ['ingest'],
  ingest: ['read', 'admin'],
  any: [],
};

const doc = (await apiJson<Doc>('/openapi.json')).body;
const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
);
// Operations that take no workspace key; each still refuses a call without its own credential.
const UNKEYED: Record<string, string> = {
  'POST /v1/sources/segment/{sourceId}': "Segment's X-Signature over the body",
};

// Path parameters get a harmless value; a body is sent where the method takes one.
const withBody = (method: string) => ['POST', 'PUT', 'PATCH'].includes(method);

describe('every documented operation checks its key', () => {
  it('the document lists the API (the test below is not vacuous)', () => {
    expect(operations.length).toBeGreaterThan(40);
    for (const p of ['/v1/events', '/v1/webhook', '/v1/workspace', '/v1/reports/summary', '/v1/rollups/{id}']) expect(Object.keys(doc.paths)).toContain(p);
  });

  for (const { method, path, op } of operations) {
    if (!op.security) {
      it(`${method} ${path} takes no key: it is a known unkeyed operation and refuses a call without its credential`, async () => {
        expect(UNKEYED, 'an operation without security').toHaveProperty([`${method} ${path}`]);
        const url = path.replace(/\{[^}]+\}/g, 'scope-probe');
        expect((await api(url, { method, ...(withBody(method) ? { body: {} } : {}) })).status).toBe(401);
      });
      continue;
    }
    it(`${method} ${path} declares its scope, answers 401 without a valid key and 403 to weaker keys`, async () => {
      const scope = op['x-scope'];
      expect(scope, 'x-scope').toMatch(/^(admin|read|ingest|any|operator)$/);
      const ws = await newWorkspace();
      const url = path.replace(/\{[^}]+\}/g, 'scope-probe');
      const call = (key: string | null) => api(url, { method, key, ...(withBody(method) ? { body: {} } : {}) });
      expect((await call(null)).status, 'no key').toBe(401);
      expect((await call('tr_admin_0000000000000000_forged')).status, 'forged key').toBe(401);
      if (scope === 'operator') {
        // Workspace keys never stand in for the operator token.
        for (const k of Object.values(ws.keys)) expect((await call(k)).status, 'workspace key').toBe(401);
        expect((await call(OPERATOR)).status).not.toBe(401);
        return;
      }
      for (const weaker of BELOW[scope!]) {
        const res = await call(ws.keys[weaker]);
        expect(res.status, `${weaker} key`).toBe(403);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
      }
    });
  }
});
