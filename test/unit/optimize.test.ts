import { nelderMead } from '../../models/stats/optimize';
import optimGolden from '../fixtures/golden/ets-optim-nelder-mead.json';

const rosenbrock = (x: Float64Array): number => 100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2;
const shiftedSphere = (x: Float64Array): number => (x[0] - 3) ** 2 + (x[1] + 1) ** 2 + (x[2] - 0.5) ** 2;
const objectives: Record<string, (x: Float64Array) => number> = { rosenbrock, shifted_sphere: shiftedSphere };

describe('nelderMead', () => {
  // R's optim counts Nelder-Mead's budget in evaluations too; its default maxit there is 500.
  it.each(optimGolden.cases)('follows R optim Nelder-Mead step for step on $name (same point, value and evaluation count)', (golden) => {
    const result = nelderMead(objectives[golden.name], golden.start, { maxEvaluations: 500 });
    expect(result.evaluations).toBe(golden.evaluations);
    golden.point.forEach((value, i) => expect(result.point[i]).toBeCloseTo(value, 9));
    expect(Math.abs(result.value - golden.value) / golden.value).toBeLessThan(1e-9);
    expect(result.converged).toBe(true);
  });

  it('reaches the Rosenbrock minimum (1, 1) to 1e-6 with a tight tolerance and a large budget', () => {
    const result = nelderMead(rosenbrock, [-1.2, 1], { maxEvaluations: 20000, relativeTolerance: 1e-16 });
    expect(result.point[0]).toBeCloseTo(1, 6);
    expect(result.point[1]).toBeCloseTo(1, 6);
    expect(result.value).toBeLessThan(1e-12);
  });

  it('minimises a 6-dimensional quadratic with different scales per axis', () => {
    const weights = [1, 10, 100, 0.1, 5, 50];
    const quadratic = (x: Float64Array): number => weights.reduce((sum, w, i) => sum + w * (x[i] - i) ** 2, 0);
    const result = nelderMead(quadratic, [5, 5, 5, 5, 5, 5], { maxEvaluations: 20000, relativeTolerance: 1e-14 });
    weights.forEach((_, i) => expect(result.point[i]).toBeCloseTo(i, 3));
  });

  it('keeps to a bound given as an infinite penalty: min (x − 2)² subject to x ≤ 1 ends at the bound', () => {
    const result = nelderMead((x) => (x[0] > 1 ? Infinity : (x[0] - 2) ** 2), [0], { relativeTolerance: 1e-14 });
    expect(result.point[0]).toBeLessThanOrEqual(1);
    expect(result.point[0]).toBeCloseTo(1, 5);
  });

  it('stops at the evaluation budget and says it did not converge', () => {
    const result = nelderMead(rosenbrock, [-1.2, 1], { maxEvaluations: 20 });
    expect(result.converged).toBe(false);
    expect(result.evaluations).toBeLessThanOrEqual(23);
    expect(result.value).toBeLessThan(rosenbrock(Float64Array.from([-1.2, 1])));
  });

  it('starts from a step of 0.1 when the start is all zeros (as R)', () => {
    const result = nelderMead((x) => (x[0] - 0.3) ** 2, [0], { relativeTolerance: 1e-14 });
    expect(result.point[0]).toBeCloseTo(0.3, 6);
  });

  it('rejects a start where the objective is not finite, and an empty start', () => {
    expect(() => nelderMead(() => NaN, [1])).toThrow('nelderMead: objective is not finite at the starting point');
    expect(() => nelderMead(() => 0, [])).toThrow('nelderMead: needs at least one parameter');
  });
});
