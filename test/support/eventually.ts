/**
 * Calls `check` until it returns without throwing (an `expect` that holds), then returns what it
 * returned; after `timeoutMs`, throws its last error. For what the app does in the background
 * (a relay, a scheduler): polls, never sleeps a fixed time.
 */
export async function eventually<T>(
  check: () => T | Promise<T>,
  { timeoutMs = 20_000, intervalMs = 25 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
