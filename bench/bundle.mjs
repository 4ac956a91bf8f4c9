// What every bench bundle of the Worker shares: the repo root and esbuild's options for workerd.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** esbuild options that bundle src/ as wrangler does for workerd (add entryPoints, outdir). */
export const WORKERD_BUNDLE = {
  absWorkingDir: ROOT,
  bundle: true,
  format: 'esm',
  target: 'es2024',
  platform: 'neutral',
  conditions: ['workerd', 'worker', 'browser'],
  mainFields: ['workerd', 'worker', 'browser', 'module', 'main'],
  logLevel: 'warning',
};
