/** An objective to minimise. It may return Infinity or NaN outside its domain (bounds by penalty). */
export type Objective = (point: Float64Array) => number;

export interface NelderMeadOptions {
  /** Stop after this many objective evaluations (R optim's `maxit` for Nelder-Mead counts evaluations). Default 2000. */
  maxEvaluations?: number;
  /** Stop when the simplex's worst and best values differ by less than relativeTolerance·(|f0| + relativeTolerance). Default sqrt(machine epsilon). */
  relativeTolerance?: number;
  /** Stop as soon as the best value is at or below this. Default -Infinity. */
  absoluteTolerance?: number;
  /** Initial simplex edge. Default: 0.1·max|x0_i|, or 0.1 when x0 is all zero (as R). */
  initialStep?: number;
  /**
   * When the budget runs out, return the vertex that was best at the last ordering, as R's nmmin does, even if
   * a later step found a better one. Only for reproducing R's results (forecast::ses via thetaf); default false.
   */
  asRAtBudgetEnd?: boolean;
}

export interface NelderMeadResult {
  point: Float64Array;
  value: number;
  evaluations: number;
  /** True when the tolerance was met; false when the evaluation budget ran out or a shrink failed to shrink. */
  converged: boolean;
}

/** Value standing for "infeasible": R's optim uses 1e35 so the simplex can still be ordered. */
const INFEASIBLE = 1e35;

/**
 * Nelder-Mead simplex minimiser, a transcription of R's `nmmin` (src/appl/optim.c, after Nash 1990,
 * "Compact Numerical Methods for Computers", Algorithm 19): reflection 1, contraction 0.5, expansion 2,
 * the same simplex construction and stopping rule, so that fits ported from R find the same optima.
 * Bounds are handled by penalty: the objective returns Infinity (or NaN) where a point is not allowed,
 * and such a vertex is ranked worst. Cost: one evaluation per reflection, one or two more per step.
 */
export function nelderMead(objective: Objective, start: ArrayLike<number>, options: NelderMeadOptions = {}): NelderMeadResult {
  const n = start.length;
  if (n === 0) throw new Error('nelderMead: needs at least one parameter');
  const maxEvaluations = options.maxEvaluations ?? 2000;
  const relativeTolerance = options.relativeTolerance ?? Math.sqrt(Number.EPSILON);
  const absoluteTolerance = options.absoluteTolerance ?? -Infinity;

  const safe = (point: Float64Array): number => {
    const value = objective(point);
    return Number.isFinite(value) ? value : INFEASIBLE;
  };

  // simplex[j] is vertex j, a view on one contiguous buffer (vertex j at [j·n, (j+1)·n)); values[j] its value.
  const buffer = new Float64Array((n + 1) * n);
  const simplex: Float64Array[] = [];
  for (let j = 0; j <= n; j++) simplex.push(buffer.subarray(j * n, (j + 1) * n));
  const values = new Float64Array(n + 1);
  const centroid = new Float64Array(n);
  const trial = new Float64Array(n);
  const expanded = new Float64Array(n);

  const first = Float64Array.from(start);
  const firstValue = objective(first);
  if (!Number.isFinite(firstValue)) throw new Error('nelderMead: objective is not finite at the starting point');
  let evaluations = 1;
  const convergenceTolerance = relativeTolerance * (Math.abs(firstValue) + relativeTolerance);

  let step = 0;
  for (let i = 0; i < n; i++) step = Math.max(step, 0.1 * Math.abs(first[i]));
  if (options.initialStep !== undefined) step = options.initialStep;
  if (step === 0) step = 0.1;

  simplex[0].set(first);
  values[0] = firstValue;
  let size = 0;
  for (let j = 1; j <= n; j++) {
    const vertex = simplex[j];
    vertex.set(first);
    let tryStep = step;
    // Multiply the step until it changes the coordinate (it may not, for huge coordinates).
    while (vertex[j - 1] === first[j - 1]) {
      vertex[j - 1] = first[j - 1] + tryStep;
      tryStep *= 10;
    }
    size += tryStep;
  }
  let oldSize = size;
  let recompute = true;
  let best = 0;
  let converged = false;

  for (;;) {
    if (recompute) {
      for (let j = 0; j <= n; j++) {
        if (j !== best) {
          values[j] = safe(simplex[j]);
          evaluations++;
        }
      }
      recompute = false;
    }

    let lowest = values[best];
    let highest = lowest;
    let worst = best;
    for (let j = 0; j <= n; j++) {
      if (j === best) continue;
      const value = values[j];
      if (value < lowest) {
        best = j;
        lowest = value;
      }
      if (value > highest) {
        worst = j;
        highest = value;
      }
    }
    if (highest <= lowest + convergenceTolerance || lowest <= absoluteTolerance) {
      converged = true;
      break;
    }

    // Centroid of all vertices but the worst.
    const worstVertex = simplex[worst];
    for (let i = 0; i < n; i++) {
      let sum = -worstVertex[i];
      for (let j = i, end = (n + 1) * n; j < end; j += n) sum += buffer[j];
      centroid[i] = sum / n;
    }
    for (let i = 0; i < n; i++) trial[i] = 2 * centroid[i] - worstVertex[i];
    const reflectedValue = safe(trial);
    evaluations++;

    if (reflectedValue < lowest) {
      for (let i = 0; i < n; i++) expanded[i] = 2 * trial[i] - centroid[i];
      const expandedValue = safe(expanded);
      evaluations++;
      if (expandedValue < reflectedValue) {
        worstVertex.set(expanded);
        values[worst] = expandedValue;
      } else {
        worstVertex.set(trial);
        values[worst] = reflectedValue;
      }
    } else {
      if (reflectedValue < highest) {
        worstVertex.set(trial);
        values[worst] = reflectedValue;
      }
      for (let i = 0; i < n; i++) trial[i] = 0.5 * worstVertex[i] + 0.5 * centroid[i];
      const contractedValue = safe(trial);
      evaluations++;
      if (contractedValue < values[worst]) {
        worstVertex.set(trial);
        values[worst] = contractedValue;
      } else if (reflectedValue >= highest) {
        // Shrink every vertex halfway towards the best one.
        recompute = true;
        size = 0;
        const bestVertex = simplex[best];
        for (let j = 0; j <= n; j++) {
          if (j === best) continue;
          const vertex = simplex[j];
          for (let i = 0; i < n; i++) {
            vertex[i] = 0.5 * (vertex[i] - bestVertex[i]) + bestVertex[i];
            size += Math.abs(vertex[i] - bestVertex[i]);
          }
        }
        if (size >= oldSize) break;
        oldSize = size;
      }
    }
    if (evaluations > maxEvaluations) break;
  }

  // Vertices replaced after the last ordering may beat the recorded best (their values are current unless a shrink is pending).
  if (!recompute && !(options.asRAtBudgetEnd && !converged)) for (let j = 0; j <= n; j++) if (values[j] < values[best]) best = j;
  return { point: Float64Array.from(simplex[best]), value: values[best], evaluations, converged };
}
