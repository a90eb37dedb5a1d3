import { readFileSync } from 'fs';
import { join } from 'path';
import { autocorrelations, classicalDecomposition, seasonalityTest } from '../../models/forecast/seasonality';

interface DecompositionGolden {
  values: number[];
  seasonLength: number;
  figure: number[];
  trend: (number | null)[];
}

const golden: {
  multiplicative: DecompositionGolden;
  additive: DecompositionGolden;
  seasonalityTests: { name: string; values: number[]; seasonLength: number; seasonal: boolean }[];
  acfAirPassengers: number[];
} = JSON.parse(readFileSync(join(__dirname, '../fixtures/golden/theta-seasonality-decompose.json'), 'utf8'));

function expectClose(actual: number[], expected: (number | null)[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, i) => {
    const target = expected[i];
    if (target === null) expect(value).toBeNaN();
    else expect(Math.abs(value - target)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(target)));
  });
}

describe('classicalDecomposition matches R stats::decompose (relative 1e-12)', () => {
  it('multiplicative, even period: AirPassengers trend and seasonal figure', () => {
    const { values, seasonLength, figure, trend } = golden.multiplicative;
    const result = classicalDecomposition(values, seasonLength, 'multiplicative');
    expectClose(result.figure, figure);
    expectClose(result.trend, trend);
    expectClose(result.seasonal.slice(0, 12), figure);
    expect(result.remainder[6] * result.trend[6] * result.seasonal[6]).toBeCloseTo(values[6], 9);
  });

  it('additive, odd period with a partial last cycle', () => {
    const { values, seasonLength, figure, trend } = golden.additive;
    const result = classicalDecomposition(values, seasonLength, 'additive');
    expectClose(result.figure, figure);
    expectClose(result.trend, trend);
    expect(result.seasonal[14]).toBeCloseTo(figure[2], 12);
  });

  it('rejects fewer than two full seasons and bad periods with named errors', () => {
    expect(() => classicalDecomposition([1, 2, 3, 4, 5], 4)).toThrow('classicalDecomposition: needs at least two full seasons');
    expect(() => classicalDecomposition([1, 2, 3, 4], 1)).toThrow('classicalDecomposition: seasonLength must be an integer');
  });
});

describe('seasonalityTest gives the same decision as thetaf in R', () => {
  it.each(golden.seasonalityTests.map((t) => [t.name, t] as const))('%s', (_, testCase) => {
    expect(seasonalityTest(testCase.values, testCase.seasonLength)).toBe(testCase.seasonal);
  });

  it('says not seasonal for m = 1, constant series and two seasons or fewer', () => {
    const seasonal = Array.from({ length: 24 }, (_, t) => 10 + 5 * Math.sin((2 * Math.PI * t) / 12));
    expect(seasonalityTest([...seasonal, ...seasonal], 12)).toBe(true);
    expect(seasonalityTest(seasonal, 12)).toBe(false);
    expect(seasonalityTest([...seasonal, ...seasonal], 1)).toBe(false);
    expect(seasonalityTest(Array(40).fill(7), 4)).toBe(false);
  });
});

describe('autocorrelations', () => {
  it('match R acf(AirPassengers, lag.max = 12) to 1e-12', () => {
    expectClose(autocorrelations(golden.multiplicative.values, 12), golden.acfAirPassengers);
  });
});
