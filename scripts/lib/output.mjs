// `npm start`'s console: `[start]` lines, warnings, colours only on a terminal.
export const tty = process.stdout.isTTY;
export const paint = (code, s) => (tty ? `\x1b[${code}m${s}\x1b[0m` : s);
export const log = (msg) => console.log(`${paint('36', '[start]')} ${msg}`);
export const warn = (msg) => console.error(`${paint('33', '[start] warning:')} ${msg}`);
export const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
export const fmt = (n) => n.toLocaleString('en-US');

/** A failure `npm start` explains in its message (printed without a stack). */
export class StartError extends Error {}
