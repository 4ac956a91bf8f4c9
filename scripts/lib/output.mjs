// What npm start prints: its own lines, and its children's output prefixed.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** An error whose message is all the user needs (no stack). */
export class StartError extends Error {}

export const tty = process.stdout.isTTY;
export const paint = (code, s) => (tty ? `\x1b[${code}m${s}\x1b[0m` : s);
export const log = (msg) => console.log(`${paint('36', '[start]')} ${msg}`);
export const warn = (msg) => console.error(`${paint('33', '[start] warning:')} ${msg}`);
export const rel = (p) => path.relative(ROOT, p);
export const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
export const fmt = (n) => n.toLocaleString('en-US');

/** Copies a child's output to ours line by line, prefixed. */
export function forward(stream, out, prefix) {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    const lines = (rest + chunk).split(/\r?\n/);
    rest = lines.pop();
    for (const line of lines) out.write(`${prefix} ${line}\n`);
  });
  stream.on('end', () => {
    if (rest) out.write(`${prefix} ${rest}\n`);
    rest = '';
  });
}
