// Where webhooks may go: https on port 443 to a public address or name. The URL parser first
// normalises every spelling of an address (decimal, octal and hex IPv4, compressed IPv6), then
// the address is checked against the IANA special-purpose registries as whole CIDR ranges:
// every IPv4-in-IPv6 form (mapped, compatible, NAT64, 6to4, Teredo) is refused outright, and only
// IPv6 global unicast (2000::/3) minus its special ranges is allowed. Names that resolve to
// private addresses cannot be checked here (Workers have no DNS lookup before fetch).

// IPv4 special-purpose ranges (RFC 6890 and the IANA registry), plus multicast and reserved.
const V4_DENY: [string, number][] = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.31.196.0', 24], ['192.52.193.0', 24], ['192.88.99.0', 24],
  ['192.168.0.0', 16], ['192.175.48.0', 24], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24],
  ['224.0.0.0', 4], ['240.0.0.0', 4],
];
// Inside 2000::/3: IETF protocol assignments (Teredo included), documentation, 6to4, documentation (3fff::/20).
const V6_DENY_IN_GLOBAL: [string, number][] = [['2001::', 23], ['2001:db8::', 32], ['2002::', 16], ['3fff::', 20]];
// Names that never mean a public host, whatever they resolve to.
const LOCAL_NAMES = /(^|\.)(localhost|local|internal|intranet|lan|home|corp|home\.arpa|localdomain)$/;

function v4(host: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  return parts.some((p) => p > 255) ? null : ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

const inV4 = (addr: number, [base, bits]: [string, number]) => bits === 0 || addr >>> (32 - bits) === v4(base)! >>> (32 - bits);

/** The 128 bits of an IPv6 address as 8 hextets; null if it is not one. */
function v6(host: string): number[] | null {
  if (!host.includes(':')) return null;
  let text = host;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const a = v4(dotted[1]);
    if (a === null) return null;
    text = `${text.slice(0, -dotted[1].length)}${(a >>> 16).toString(16)}:${(a & 0xffff).toString(16)}`;
  }
  const [head, tail, extra] = text.split('::');
  if (extra !== undefined) return null;
  const parse = (s: string) => (s ? s.split(':').map((h) => (/^[0-9a-f]{1,4}$/i.test(h) ? parseInt(h, 16) : NaN)) : []);
  const [a, b] = [parse(head), parse(tail ?? '')];
  const fill = tail === undefined ? 0 : 8 - a.length - b.length;
  const out = [...a, ...Array(Math.max(0, fill)).fill(0), ...b];
  return out.length === 8 && out.every((h) => Number.isInteger(h)) ? out : null;
}

function inV6(addr: number[], [base, bits]: [string, number]): boolean {
  const b = v6(base)!;
  for (let i = 0; i < 8 && bits > 0; i++, bits -= 16) {
    const mask = bits >= 16 ? 0xffff : (0xffff << (16 - bits)) & 0xffff;
    if ((addr[i] & mask) !== (b[i] & mask)) return false;
  }
  return true;
}

/** Why the host is not a public destination; null when it is. */
export function hostProblem(rawHost: string): string | null {
  const host = rawHost.replace(/^\[|\]$/g, '').toLowerCase().replace(/\.+$/, '');
  const a4 = v4(host);
  if (a4 !== null) return V4_DENY.some((r) => inV4(a4, r)) ? 'a special-purpose or private address' : null;
  const a6 = v6(host);
  if (a6 !== null) {
    const global = (a6[0] & 0xe000) === 0x2000;
    return !global || V6_DENY_IN_GLOBAL.some((r) => inV6(a6, r)) ? 'a special-purpose, private or IPv4-in-IPv6 address' : null;
  }
  if (!host.includes('.') || LOCAL_NAMES.test(host)) return 'a local name';
  return null;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** https on 443 to a public host (plain http to loopback when allowed, for local development). */
export function webhookUrlProblem(raw: string, allowHttp: boolean): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.username || url.password) return 'must not carry credentials';
  if (url.protocol === 'http:' && allowHttp && LOOPBACK.has(url.hostname)) return null;
  if (url.protocol !== 'https:') return 'must use https';
  if (url.port !== '' && url.port !== '443') return 'must use the https port 443';
  const problem = hostProblem(url.hostname);
  return problem && `must not point to ${problem}`;
}
