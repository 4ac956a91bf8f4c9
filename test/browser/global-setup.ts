// Once per browser-suite run: a private `wrangler dev` with a seeded workspace; stopped at the end.
import type { TestProject } from 'vitest/node';
import { seed, type Seeded } from './seed.ts';
import { startServer, type Server } from './server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    seeded: Seeded;
  }
}

let server: Server | undefined;

export default async function setup(project: TestProject) {
  const t0 = Date.now();
  server = await startServer();
  const ready = Date.now() - t0;
  let seeded: Seeded;
  try {
    seeded = await seed(server.base, server.adminToken);
  } catch (err) {
    const out = server.output().slice(-4000);
    await server.stop();
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n--- wrangler output ---\n${out}`);
  }
  console.log(
    `[browser] wrangler dev ready in ${(ready / 1000).toFixed(1)} s at ${server.base}; ` +
      `${seeded.events} events; ${Object.entries(seeded.timings).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`).join(', ')}; ` +
      `rollup: ${seeded.rollup.calls} polls of the run`,
  );
  for (const line of seeded.rollup.log) console.log(`[browser]   rollup ${line}`);
  project.provide('seeded', seeded);
  return async () => {
    const t = Date.now();
    await server?.stop();
    console.log(`[browser] wrangler dev stopped in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  };
}
