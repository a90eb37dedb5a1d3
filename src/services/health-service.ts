import { withTimeout } from './dependency-retry';

export interface ReadinessCheck {
  name: string;
  ok: boolean;
  detail?: string;
}

export interface ReadinessReport {
  ready: boolean;
  checks: ReadinessCheck[];
}

export interface HealthService {
  readiness(): Promise<ReadinessReport>;
}

/** A named probe: resolves with an optional detail when healthy, throws when not. */
export type Probe = { name: string; check: () => Promise<string | void> };

/** Each probe's answer is awaited this long, so /ready answers within 2 s with the check that hangs named. */
const PROBE_TIMEOUT_MS = 1500;

export function createHealthService(probes: Probe[]): HealthService {
  return {
    async readiness() {
      const checks = await Promise.all(
        probes.map(async ({ name, check }): Promise<ReadinessCheck> => {
          try {
            const detail = await withTimeout(check(), PROBE_TIMEOUT_MS, name);
            return { name, ok: true, ...(detail ? { detail } : {}) };
          } catch (error) {
            return { name, ok: false, detail: error instanceof Error ? error.message : String(error) };
          }
        }),
      );
      return { ready: checks.every((check) => check.ok), checks };
    },
  };
}
