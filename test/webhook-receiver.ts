// Runs in Node, inside vitest's config: every outbound fetch of the Worker under test lands
// here (no test reaches the network). `https://hooks.receiver.test/<behaviour>/<id>` records
// each call and answers per behaviour; `/__log/<id>` lists what one id received.
type Call = { body: string; headers: Record<string, string>; status: number; at: number };

const STATUS: Record<string, (seen: number) => number> = {
  ok: () => 204,
  'fail-twice': (seen) => (seen < 2 ? 503 : 200),
  gone: () => 410,
  'retry-after': (seen) => (seen < 1 ? 503 : 200),
};

export function createReceiver() {
  const calls = new Map<string, Call[]>();
  return async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    if (url.hostname !== 'hooks.receiver.test') return new Response('tests have no network', { status: 502 });
    const [, behaviour, id] = url.pathname.split('/');
    if (behaviour === '__log') return Response.json(calls.get(id) ?? []);
    const seen = calls.get(id) ?? [];
    const status = (STATUS[behaviour] ?? (() => 500))(seen.length);
    seen.push({ body: await request.text(), headers: Object.fromEntries(request.headers), status, at: Date.now() });
    calls.set(id, seen);
    // `retry-after` asks for a 3-second pause, longer than the tests' zero back-off.
    return new Response(null, { status, headers: behaviour === 'retry-after' && status === 503 ? { 'retry-after': '3' } : {} });
  };
}
