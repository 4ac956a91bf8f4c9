export function waitForReady(
  base: string,
  exited: Promise<unknown>,
  options: { timeoutMs: number; why?: (exit: unknown) => string },
): Promise<void>;
