import type { ChildProcess } from 'node:child_process';

export type Exit = { code: number | null; signal: NodeJS.Signals | null; error?: Error };
export type Wrangler = { child: ChildProcess; exited: Promise<Exit>; output: () => string };

export const ROOT: string;
export const WRANGLER_JS: string;
export const HOST: string;
export function wranglerEnv(overrides?: Record<string, string>): NodeJS.ProcessEnv;
export function spawnWrangler(args: string[], options?: { env?: NodeJS.ProcessEnv }): Wrangler;
export function forwardLines(stream: NodeJS.ReadableStream, out: NodeJS.WritableStream, prefix: string): void;
export function stopGroup(proc: Wrangler, options?: { signal?: NodeJS.Signals; graceMs?: number }): Promise<void>;
export function freePort(): Promise<number>;
export function assertPortFree(port: number): Promise<void>;
export function waitForReady(base: string, exited: Promise<unknown>, options: { timeoutMs: number; why?: (exit: any) => string; path?: string; status?: number }): Promise<void>;
