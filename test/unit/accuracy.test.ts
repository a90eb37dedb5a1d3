import { readFileSync } from 'fs';
import { join } from 'path';
import { bias, intervalCoverage, mae, mase, meanScaledIntervalScore, pinballLoss, rmse, rmsse, smape, wape } from '../../models/forecast/accuracy';

const g = JSON.parse(readFileSync(join(__dirname, '../fixtures/golden/accuracy-airpassengers-theta.json'), 'utf8'));

describe('accuracy measures match R on thetaf forecasts of AirPassengers 1960 (relative 1e-12)', () => {
  const close = (value: number, expected: number) =>
    expect(Math.abs(value - expected)).toBeLessThanOrEqual(1e-12 * Math.abs(expected));

  it('bias equals forecast::accuracy ME (actual − forecast)', () => close(bias(g.actual, g.forecast), g.bias));
  it('rmse equals forecast::accuracy RMSE', () => close(rmse(g.actual, g.forecast), g.rmse));
  it('mae equals forecast::accuracy MAE', () => close(mae(g.actual, g.forecast), g.mae));
  it('mase equals forecast::accuracy MASE with the seasonal naive scale', () =>
    close(mase(g.actual, g.forecast, g.insample, g.seasonLength), g.mase));
  it('rmsse equals the R formula', () => close(rmsse(g.actual, g.forecast, g.insample, g.seasonLength), g.rmsse));
  it('smape equals the R formula', () => close(smape(g.actual, g.forecast), g.smape));
  it('wape equals the R formula', () => close(wape(g.actual, g.forecast), g.wape));
  it('pinballLoss equals the R formula at tau 0.9 and 0.1', () => {
    close(pinballLoss(g.actual, g.upper80, 0.9), g.pinball90OnUpper80);
    close(pinballLoss(g.actual, g.lower80, 0.1), g.pinball10OnLower80);
  });
  it('intervalCoverage equals the R share inside the 80% interval', () =>
    close(intervalCoverage(g.actual, g.lower80, g.upper80), g.coverage80));
});

describe('accuracy measures by hand', () => {
  // actual [2, 4, 6], forecast [3, 3, 3]: errors −1, 1, 3
  it('computes bias, MAE and RMSE of a small example', () => {
    expect(bias([2, 4, 6], [3, 3, 3])).toBeCloseTo(1, 12);
    expect(mae([2, 4, 6], [3, 3, 3])).toBeCloseTo(5 / 3, 12);
    expect(rmse([2, 4, 6], [3, 3, 3])).toBeCloseTo(Math.sqrt(11 / 3), 12);
  });

  // insample [1, 3, 2, 5]: lag-1 differences 2, −1, 3 → scale 2; MAE 5/3 → MASE 5/6
  it('scales MASE by the in-sample naive MAE when seasonLength is 1', () => {
    expect(mase([2, 4, 6], [3, 3, 3], [1, 3, 2, 5])).toBeCloseTo(5 / 6, 12);
  });

  it('counts a step where actual and forecast are both zero as a perfect sMAPE', () => {
    expect(smape([0, 10], [0, 10])).toBe(0);
    expect(smape([0, 10], [0, 30])).toBeCloseTo(50, 12);
  });

  it('returns Infinity for MASE on a constant history, as R does', () => {
    expect(mase([2], [3], [5, 5, 5])).toBe(Infinity);
  });

  it('charges under-forecasts tau per unit and over-forecasts 1 − tau per unit', () => {
    expect(pinballLoss([10], [8], 0.9)).toBeCloseTo(1.8, 12);
    expect(pinballLoss([10], [12], 0.9)).toBeCloseTo(0.2, 12);
  });

  it('scores a 95 % interval as the M4 MSIS: width plus 40 × the miss, over the naive scale', () => {
    // Widths 4, 6, 4; misses 0, 2 below, 1 above (2/α = 40): (4 + 86 + 44) / 3; in-sample naive MAE of [1, 2, 4, 7] = 2.
    expect(meanScaledIntervalScore([10, 20, 30], [8, 22, 25], [12, 28, 29], 95, [1, 2, 4, 7])).toBeCloseTo(134 / 3 / 2, 12);
    // Seasonal scale at lag 2: |4 − 1|, |7 − 2| → 4.
    expect(meanScaledIntervalScore([10], [8], [12], 80, [1, 2, 4, 7], 2)).toBeCloseTo(1, 12);
    expect(() => meanScaledIntervalScore([1], [0], [2], 100, [1, 2])).toThrow('meanScaledIntervalScore: level');
  });

  it('includes interval bounds in coverage', () => {
    expect(intervalCoverage([1, 2, 3, 4], [1, 0, 0, 5], [2, 2, 2, 6])).toBe(0.5);
  });

  it('rejects mismatched lengths, empty input and too short histories with named errors', () => {
    expect(() => mae([1, 2], [1])).toThrow('mae: actual and forecast differ in length');
    expect(() => smape([], [])).toThrow('smape: needs at least one value');
    expect(() => mase([1], [1], [4, 5], 2)).toThrow('mase: insample must be longer than seasonLength');
    expect(() => pinballLoss([1], [1], 1)).toThrow('pinballLoss: tau must be in (0, 1)');
  });
});
