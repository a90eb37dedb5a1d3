import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lowerExponentialPlusNormal, pointPlusNormal, uniformPlusNormal, upperExponentialPlusNormal, type CdfAndDensity } from '../../models/stats/normal-sums';
import { errorPlusNormalQuantile } from '../../models/policy/safety-stock';

// R by numerical integration and uniroot, not by the closed forms: test/fixtures/golden/r/normal-sums.R.
const golden = JSON.parse(readFileSync(join(__dirname, '../fixtures/golden/normal-sums.json'), 'utf8')) as {
  pieces: Array<{ kind: string; x: number; a?: number; b?: number; c?: number; beta?: number; s: number; cdf: number; density: number }>;
  quantiles: Array<{ row: string; quantiles: number[]; unit: number; spread: number; probability: number; x: number }>;
};

describe('normal sums: P(X + sZ ≤ x) and its density in closed form, against R integrate (absolute 1e-10)', () => {
  const pieceAt = (piece: (typeof golden.pieces)[number]): CdfAndDensity => {
    switch (piece.kind) {
      case 'point':
        return pointPlusNormal(piece.x, piece.a!, piece.s);
      case 'uniform':
        return uniformPlusNormal(piece.x, piece.a!, piece.b!, piece.s);
      case 'upperExponential':
        return upperExponentialPlusNormal(piece.x, piece.c!, piece.beta!, piece.s);
      default:
        return lowerExponentialPlusNormal(piece.x, piece.c!, piece.beta!, piece.s);
    }
  };

  it.each(golden.pieces.map((piece) => [`${piece.kind} ${JSON.stringify({ a: piece.a, b: piece.b, c: piece.c, beta: piece.beta })} at x = ${piece.x}`, piece] as const))('%s', (_name, piece) => {
    const value = pieceAt(piece);
    // The uniform 1 … 1.0001 is a point at its midpoint (narrower than s/10⁴): its variance, 8e-10, is within the tolerance.
    expect(Math.abs(value.cdf - piece.cdf)).toBeLessThan(1e-10);
    expect(Math.abs(value.density - piece.density)).toBeLessThan(1e-10);
  });

  it('keeps the ex-Gaussian finite where e^((s/β)²/2) overflows (s/β = 3000)', () => {
    const value = upperExponentialPlusNormal(2, 0, 0.001, 3);
    // A tail this short against s is the point c: Φ(2/3) within the tail's mean over s (0.001/3).
    expect(Number.isFinite(value.cdf) && Number.isFinite(value.density)).toBe(true);
    expect(Math.abs(value.cdf - pointPlusNormal(2, 0, 3).cdf)).toBeLessThan(1e-3 / 3);
    expect(upperExponentialPlusNormal(2, 0, 0, 3)).toEqual(pointPlusNormal(2, 0, 3));
  });
});

describe('errorPlusNormalQuantile: the exact quantile of the error pieces plus N(0, s²), against R uniroot on the quantile function (relative 1e-7)', () => {
  const errorsOf = (quantiles: number[]) => ({ horizon: 3, scale: 'absolute' as const, rootMeanSquare: 1, quantiles, extrapolated: false });

  it.each(golden.quantiles.map((row) => [`${row.row} × ${row.unit}, s = ${row.spread}, p = ${row.probability}`, row] as const))('%s', (_name, row) => {
    const x = errorPlusNormalQuantile(errorsOf(row.quantiles), row.spread, row.probability, row.unit);
    expect(Math.abs(x - row.x)).toBeLessThan(1e-7 * Math.max(1, Math.abs(row.x)));
  });
});
