// Runs in Node, inside vitest's config: every outbound fetch of the Worker under test lands
// here (no test reaches the network). `https://hooks.receiver.test/<behaviour>/<id>` records
// each call and answers per behaviour; `/__log/<id>` lists what one id received.
type Call = { body: string; signature: string | null; delivery: string | null; status: number };

export function createReceiver() {
  const calls = new Map<string, Call[]>();
  return async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    if (url.hostname !== 'hooks.receiver.test') return new Response('tests have no network', { status: 502 });
    const [, behaviour, id] = url.pathname.split('/');
    if (behaviour === '__log') return Response.json(calls.get(id) ?? []);
    const seen = calls.get(id) ?? [];
    const status = behaviour === 'ok' ? 204 : behaviour === 'fail-twice' ? (seen.length < 2 ? 503 : 200) : 500;
    seen.push({
      body: await request.text(),
      signature: request.headers.get('x-trayecto-signature'),
      delivery: request.headers.get('x-trayecto-delivery'),
      status,
    });
    calls.set(id, seen);
    return new Response(null, { status });
  };
}
