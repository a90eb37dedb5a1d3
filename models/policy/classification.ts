import type { AbcClass } from './safety-stock';

export type XyzClass = 'X' | 'Y' | 'Z';

export interface AbcCutoffs {
  /** Cumulative revenue share that closes class A. Default 0.8. */
  a: number;
  /** Cumulative revenue share that closes class B. Default 0.95. */
  b: number;
}

export interface AbcResult {
  sku: string;
  revenue: number;
  share: number;
  /** Share of the items ranked up to and including this one. */
  cumulativeShare: number;
  abcClass: AbcClass;
}

/**
 * ABC classification by revenue (Pareto; Silver, Pyke and Peterson 1998, ch. 3): items ranked by revenue, largest first;
 * an item is A while the cumulative share of the items ranked before it is below the A cut-off (so the item that crosses
 * 80% is still A, and a single dominant item is A), B likewise up to the B cut-off, C after. Zero total revenue: all C.
 * Ties in revenue are ranked by sku, so the result does not depend on input order.
 */
export function abcClassify(items: { sku: string; revenue: number }[], cutoffs: Partial<AbcCutoffs> = {}): AbcResult[] {
  const a = cutoffs.a ?? 0.8;
  const b = cutoffs.b ?? 0.95;
  if (!(a > 0 && a <= b && b <= 1)) throw new Error(`abcClassify: cut-offs must satisfy 0 < a ≤ b ≤ 1, got a=${a} b=${b}`);
  for (const item of items) {
    if (!(item.revenue >= 0) || !Number.isFinite(item.revenue)) throw new Error(`abcClassify: revenue must be finite and ≥ 0 for ${item.sku}, got ${item.revenue}`);
  }
  const total = items.reduce((sum, item) => sum + item.revenue, 0);
  const ranked = [...items].sort((x, y) => y.revenue - x.revenue || (x.sku < y.sku ? -1 : x.sku > y.sku ? 1 : 0));
  let before = 0;
  return ranked.map((item) => {
    const share = total > 0 ? item.revenue / total : 0;
    const abcClass: AbcClass = total === 0 ? 'C' : before < a ? 'A' : before < b ? 'B' : 'C';
    before += share;
    return { sku: item.sku, revenue: item.revenue, share, cumulativeShare: before, abcClass };
  });
}

export interface XyzCutoffs {
  /** Largest coefficient of variation still X. Default 0.5. */
  x: number;
  /** Largest coefficient of variation still Y. Default 1.0. */
  y: number;
}

export interface XyzResult {
  sku: string;
  mean: number;
  stdDev: number;
  /** Sample standard deviation / mean; null when the mean is 0 (then the class is Z). */
  coefficientOfVariation: number | null;
  xyzClass: XyzClass;
}

/**
 * XYZ classification by the coefficient of variation of per-period demand, CV = s / mean with s the sample standard
 * deviation (n − 1): X when CV ≤ x (default 0.5), Y when CV ≤ y (default 1.0), Z above, or when mean demand is zero.
 * Needs at least two periods per item.
 */
export function xyzClassify(items: { sku: string; demand: number[] }[], cutoffs: Partial<XyzCutoffs> = {}): XyzResult[] {
  const x = cutoffs.x ?? 0.5;
  const y = cutoffs.y ?? 1.0;
  if (!(x >= 0 && x <= y)) throw new Error(`xyzClassify: cut-offs must satisfy 0 ≤ x ≤ y, got x=${x} y=${y}`);
  return items.map(({ sku, demand }) => {
    if (demand.length < 2) throw new Error(`xyzClassify: needs at least two periods of demand for ${sku}`);
    if (!demand.every((d) => d >= 0 && Number.isFinite(d))) throw new Error(`xyzClassify: demand must be finite and ≥ 0 for ${sku}`);
    const mean = demand.reduce((sum, d) => sum + d, 0) / demand.length;
    const stdDev = Math.sqrt(demand.reduce((sum, d) => sum + (d - mean) ** 2, 0) / (demand.length - 1));
    const coefficientOfVariation = mean > 0 ? stdDev / mean : null;
    const xyzClass: XyzClass = coefficientOfVariation === null ? 'Z' : coefficientOfVariation <= x ? 'X' : coefficientOfVariation <= y ? 'Y' : 'Z';
    return { sku, mean, stdDev, coefficientOfVariation, xyzClass };
  });
}
