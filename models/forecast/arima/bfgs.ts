/**
 * R's optim(method = "BFGS") as stats::arima calls it: the variable-metric minimiser vmmin of
 * src/appl/optim.c (Nash 1990, Algorithm 21) on par / parscale, with optim's central-difference gradient
 * (ndeps = 1e-3 on the scaled parameters), maxit 100, reltol sqrt(machine epsilon). Written again so that
 * fits ported from R stop where R's stop.
 */
export interface BfgsResult {
  point: Float64Array;
  value: number;
  /** 0 converged, 1 iteration limit reached (optim's convergence code). */
  code: 0 | 1;
}

/** Thrown when the objective is not finite where optim would stop with an error. */
export class OptimError extends Error {}

export function bfgs(objective: (x: Float64Array) => number, start: ArrayLike<number>, parscale: ArrayLike<number>, maxit = 100): BfgsResult {
  const n = start.length;
  const reltol = Math.sqrt(Number.EPSILON);
  const abstol = -Infinity;
  const stepredn = 0.2;
  const acctol = 0.0001;
  const reltest = 10.0;
  const unscaled = new Float64Array(n);
  const f = (b: Float64Array) => {
    for (let i = 0; i < n; i++) unscaled[i] = b[i] * parscale[i];
    return objective(unscaled);
  };
  const gradient = (b: Float64Array, g: Float64Array) => {
    const eps = 1e-3;
    for (let i = 0; i < n; i++) {
      const keep = b[i];
      b[i] = keep + eps;
      const up = f(b);
      b[i] = keep - eps;
      const down = f(b);
      b[i] = keep;
      g[i] = (up - down) / (2 * eps);
      if (!Number.isFinite(g[i])) throw new OptimError('non-finite finite-difference value');
    }
  };
  const b = Float64Array.from(start, (v, i) => v / parscale[i]);
  if (n === 0) return { point: new Float64Array(0), value: f(b), code: 0 };
  const g = new Float64Array(n);
  const t = new Float64Array(n);
  const X = new Float64Array(n);
  const c = new Float64Array(n);
  const B = Array.from({ length: n }, () => new Float64Array(n));
  let fmin = f(b);
  if (!Number.isFinite(fmin)) throw new OptimError("initial value in 'vmmin' is not finite");
  let value = fmin;
  gradient(b, g);
  let gradcount = 1;
  let iter = 1;
  let ilast = gradcount;
  let count = 0;
  let code: 0 | 1 = 0;
  do {
    if (ilast === gradcount) for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) B[i][j] = i === j ? 1 : 0;
    for (let i = 0; i < n; i++) {
      X[i] = b[i];
      c[i] = g[i];
    }
    let gradproj = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j <= i; j++) s -= B[i][j] * g[j];
      for (let j = i + 1; j < n; j++) s -= B[j][i] * g[j];
      t[i] = s;
      gradproj += s * g[i];
    }
    if (gradproj < 0) {
      let steplength = 1.0;
      let accpoint = false;
      do {
        count = 0;
        for (let i = 0; i < n; i++) {
          b[i] = X[i] + steplength * t[i];
          if (reltest + X[i] === reltest + b[i]) count++;
        }
        if (count < n) {
          value = f(b);
          accpoint = Number.isFinite(value) && value <= fmin + gradproj * steplength * acctol;
          if (!accpoint) steplength *= stepredn;
        }
      } while (!(count === n || accpoint));
      const enough = value > abstol && Math.abs(value - fmin) > reltol * (Math.abs(fmin) + reltol);
      if (!enough) {
        count = n;
        fmin = value;
      }
      if (count < n) {
        fmin = value;
        gradient(b, g);
        gradcount++;
        iter++;
        let D1 = 0;
        for (let i = 0; i < n; i++) {
          t[i] = steplength * t[i];
          c[i] = g[i] - c[i];
          D1 += t[i] * c[i];
        }
        if (D1 > 0) {
          let D2 = 0;
          for (let i = 0; i < n; i++) {
            let s = 0;
            for (let j = 0; j <= i; j++) s += B[i][j] * c[j];
            for (let j = i + 1; j < n; j++) s += B[j][i] * c[j];
            X[i] = s;
            D2 += s * c[i];
          }
          D2 = 1 + D2 / D1;
          for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) B[i][j] += (D2 * t[i] * t[j] - X[i] * t[j] - t[i] * X[j]) / D1;
        } else {
          ilast = gradcount;
        }
      } else if (ilast < gradcount) {
        count = 0;
        ilast = gradcount;
      }
    } else {
      count = 0;
      if (ilast === gradcount) count = n;
      else ilast = gradcount;
    }
    if (iter >= maxit) {
      code = 1;
      break;
    }
    if (gradcount - ilast > 2 * n) ilast = gradcount;
  } while (count !== n || ilast !== gradcount);
  return { point: Float64Array.from(b, (v, i) => v * parscale[i]), value: fmin, code };
}

/**
 * optim's hessian = TRUE (optimhess): differences of the numerical gradient at ±ndeps / parscale, symmetrised.
 * Throws OptimError where a gradient is not finite, as optim would stop.
 */
export function optimHessian(objective: (x: Float64Array) => number, point: ArrayLike<number>, parscale: ArrayLike<number>): Float64Array[] {
  const n = point.length;
  const ndeps = 1e-3;
  const scaled = Float64Array.from(point, (v, i) => v / parscale[i]);
  const unscaled = new Float64Array(n);
  const f = (b: Float64Array) => {
    for (let i = 0; i < n; i++) unscaled[i] = b[i] * parscale[i];
    return objective(unscaled);
  };
  const gradient = (b: Float64Array) => {
    const g = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const keep = b[i];
      b[i] = keep + ndeps;
      const up = f(b);
      b[i] = keep - ndeps;
      const down = f(b);
      b[i] = keep;
      g[i] = (up - down) / (2 * ndeps);
      if (!Number.isFinite(g[i])) throw new OptimError('non-finite finite-difference value');
    }
    return g;
  };
  const hessian = Array.from({ length: n }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    const eps = ndeps / parscale[i];
    const keep = scaled[i];
    scaled[i] = keep + eps;
    const g1 = gradient(scaled);
    scaled[i] = keep - eps;
    const g2 = gradient(scaled);
    scaled[i] = keep;
    for (let j = 0; j < n; j++) hessian[i][j] = (g1[j] - g2[j]) / (2 * eps * parscale[i] * parscale[j]);
  }
  for (let i = 0; i < n; i++)
    for (let j = 0; j < i; j++) {
      const mean = 0.5 * (hessian[i][j] + hessian[j][i]);
      hessian[i][j] = hessian[j][i] = mean;
    }
  return hessian;
}
