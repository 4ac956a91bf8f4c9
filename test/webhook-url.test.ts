// The webhook SSRF filter against generated spellings of every denied range, and the probe's
// bypasses. Everything goes through PUT /v1/webhook (400 at `url`, nothing stored).
import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hostProblem, webhookUrlProblem } from '../src/loop/webhook-url.ts';
import { apiJson, newWorkspace } from './helpers.ts';

const ip4 = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
const base4 = (s: string) => s.split('.').reduce((a, p) => a * 256 + Number(p), 0);
/** Any address of `base/bits`. */
const inRange = (base: string, bits: number) => fc.integer({ min: 0, max: 2 ** (32 - bits) - 1 }).map((off) => base4(base) + off);
const DENIED_V4: [string, number][] = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.0.0.0', 24],
  ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24],
  ['224.0.0.0', 4], ['240.0.0.0', 4],
];
const hex = (n: number) => n.toString(16);
// Spellings of one IPv4 address that a URL parser accepts, inside and outside IPv6.
const spellings = (n: number) => [
  ip4(n),
  String(n), // one decimal number
  `0x${hex(n)}`, // hex
  ip4(n).split('.').map((p) => `0${Number(p).toString(8)}`).join('.'), // octal parts
  `[::ffff:${ip4(n)}]`, // IPv4-mapped
  `[::ffff:${hex(n >>> 16)}:${hex(n & 0xffff)}]`,
  `[::${ip4(n)}]`, // IPv4-compatible
  `[64:ff9b::${ip4(n)}]`, // NAT64
  `[64:ff9b:1::${hex(n >>> 16)}:${hex(n & 0xffff)}]`,
  `[2002:${hex(n >>> 16)}:${hex(n & 0xffff)}::1]`, // 6to4
  `[2001:0:4136:e378:8000:63bf:${hex(~n >>> 16 & 0xffff)}:${hex(~n & 0xffff)}]`, // Teredo
];

describe('webhook URLs: no private, special-purpose or IPv4-in-IPv6 destination, whatever the spelling', () => {
  it('every spelling of every address of the IANA special-purpose IPv4 ranges is refused', () => {
    fc.assert(
      fc.property(fc.constantFrom(...DENIED_V4).chain(([b, bits]) => inRange(b, bits)), fc.boolean(), (n, dot) => {
        for (const host of spellings(n)) {
          const url = `https://${host}${dot && !host.startsWith('[') ? '.' : ''}/hook`;
          expect(webhookUrlProblem(url, false), url).not.toBeNull();
        }
      }),
      { numRuns: 300 },
    );
  });

  it('IPv6 outside global unicast, and its special ranges inside it, are refused; public addresses and names pass', () => {
    // Hextets biased to the edges of the special ranges, so that the property meets them.
    const first = fc.oneof(fc.integer({ min: 0, max: 0xffff }), fc.constantFrom(0, 0x64, 0x100, 0x1fff, 0x2000, 0x2001, 0x2002, 0x3fff, 0x4000, 0xfc00, 0xfe80, 0xfec0, 0xff02));
    const second = fc.oneof(fc.integer({ min: 0, max: 0xffff }), fc.constantFrom(0, 0x1ff, 0x200, 0xdb8, 0xfff, 0x1000, 0xff9b));
    const v6 = fc.tuple(first, second, fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 6, maxLength: 6 })).map(([h, s, rest]) => [h, s, ...rest]);
    fc.assert(
      fc.property(v6, (parts) => {
        const host = `[${parts.map(hex).join(':')}]`;
        const global = (parts[0] & 0xe000) === 0x2000 && !(parts[0] === 0x2001 && parts[1] < 0x200) && parts[0] !== 0x2002 && !(parts[0] === 0x2001 && parts[1] === 0xdb8) && !(parts[0] === 0x3fff && parts[1] < 0x1000);
        expect(hostProblem(host) === null, host).toBe(global);
      }),
      { numRuns: 500 },
    );
    for (const ok of ['https://hooks.example.com/x', 'https://93.184.216.34/x', 'https://[2606:4700::1111]/x', 'https://example.com:443/x']) {
      expect(webhookUrlProblem(ok, false), ok).toBeNull();
    }
  });

  it('the probe’s bypasses are refused at PUT /v1/webhook, with nothing stored', async () => {
    const ws = await newWorkspace();
    const probes = [
      'https://[::ffff:127.0.0.1]:8443/x', 'https://[::ffff:10.0.0.1]/x', 'https://[::ffff:169.254.169.254]/x', 'https://[64:ff9b::7f00:1]/x',
      'https://[2002:7f00:1::]/x', 'https://[fec0::1]/x', 'https://[ff02::1]/x', 'https://localhost./x', 'https://metadata.google.internal./x',
      'https://198.18.0.1/x', 'https://192.0.0.8/x', 'https://224.0.0.1/x', 'https://240.0.0.1/x', 'https://hooks.example.com:8443/x',
      'https://hooks.example.com:22/x', 'https://2130706433/x', 'https://0x7f.1/x', 'https://intranet/x',
    ];
    for (const url of probes) {
      const r = await apiJson('/v1/webhook', { method: 'PUT', key: ws.keys.admin, body: { url } });
      expect(r.status, url).toBe(400);
      expect(r.body.errors[0].path, url).toBe('url');
    }
    expect(await env.DB.prepare('SELECT COUNT(*) AS n FROM webhooks WHERE workspace_id = ?1').bind(ws.id).first('n')).toBe(0);
  });
});
