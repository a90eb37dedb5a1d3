import fs from 'node:fs';

/** Debian's chromium by default; CHROMIUM_PATH picks another build. */
export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/**
 * Whether a browser is there to drive. Without one the browser tests are skipped with one line saying why, unless
 * REQUIRE_SERVICES=1 (CI), where a missing browser is an error rather than a silent pass.
 */
export function browserAvailable(): boolean {
  if (fs.existsSync(chromiumPath)) return true;
  const reason = `no chromium at ${chromiumPath} (apt-get install -y chromium, or set CHROMIUM_PATH)`;
  if (process.env.REQUIRE_SERVICES === '1') throw new Error(`${reason} (REQUIRE_SERVICES=1)`);
  console.warn(`Skipping the browser tests: ${reason}`);
  return false;
}

/** Retries an assertion until it passes or the time is up (the page updates after its fetches answer). */
export async function eventually(assertion: () => Promise<void> | void, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await assertion();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
