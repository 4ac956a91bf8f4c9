import type { Api } from './api.mjs';

export function configureDemo(api: Api, adminKey: string, options?: { touchpoints?: { key: string }[] }): Promise<{ stages: number; touchpoints: number; themes: number }>;
export function sendBatches(
  api: Api,
  ingestKey: string,
  batches: unknown[][],
  options?: { from?: number; concurrency?: number; stopping?: () => boolean; onBatch?: (index: number, answer: { accepted: number; duplicates: number }) => void },
): Promise<{ accepted: number; duplicates: number }>;
