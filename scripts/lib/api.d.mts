export type Answer = { status: number; ok: boolean; headers: Headers; body: any; text: string };
export type Api = (method: string, pathname: string, options?: { key?: string; body?: unknown; timeoutMs?: number }) => Promise<Answer>;
export type RollupRun = { id?: string; status: 'done' | 'failed' | 'stopped'; error?: string; days: number; daysDone: number; calls: number; log: string[] };

export class ApiError extends Error {}
export function createApi(base: string, options?: { stopping?: () => boolean; retryDelayMs?: number }): Api;
export function describe(res: Answer): string;
export function expectStatus(res: Answer, status: number, what: string): any;
export function sendBatch(api: Api, key: string, batch: unknown[], what: string, options?: { attempts?: number; stopping?: () => boolean }): Promise<{ accepted: number; duplicates: number } | null>;
export function rollUp(
  api: Api,
  key: string,
  from: string,
  to: string,
  options?: { onProgress?: (daysDone: number, days: number) => void; pollMs?: number; maxWaitMs?: number; stopping?: () => boolean },
): Promise<RollupRun>;
export function progressBar(label: string, done: number, total: number, options?: { last?: boolean; out?: NodeJS.WriteStream }): void;
