/**
 * Polynomial roots for the checks R's arima and auto.arima make: stationarity (arCheck), invertibility
 * (maInvert) and the 1.01 root margin of forecast's myarima.
 */

/**
 * Moduli and values of the complex roots of c[0] + c[1] z + … + c[n] z^n (c[n] ≠ 0 after trimming), by
 * the Durand–Kerner iteration (all roots at once, converges for simple and clustered roots alike here:
 * degrees ≤ p + mP ≈ 30).
 */
export function polynomialRoots(coefficients: ArrayLike<number>): { re: Float64Array; im: Float64Array } {
  let degree = coefficients.length - 1;
  while (degree > 0 && coefficients[degree] === 0) degree--;
  const re = new Float64Array(degree);
  const im = new Float64Array(degree);
  if (degree === 0) return { re, im };
  const lead = coefficients[degree];
  const monic = Float64Array.from({ length: degree + 1 }, (_, i) => coefficients[i] / lead);
  // Start on a circle of radius a bound on the roots' moduli (Cauchy), at angles off the real axis.
  let radius = 0;
  for (let i = 0; i < degree; i++) radius = Math.max(radius, Math.abs(monic[i]));
  radius = Math.min(1 + radius, 2 * Math.pow(Math.abs(monic[0]) || 1, 1 / degree) + 1);
  for (let k = 0; k < degree; k++) {
    const angle = (2 * Math.PI * k) / degree + 0.4;
    re[k] = radius * Math.cos(angle);
    im[k] = radius * Math.sin(angle);
  }
  for (let iteration = 0; iteration < 500; iteration++) {
    let change = 0;
    for (let k = 0; k < degree; k++) {
      // value of the monic polynomial at z_k (Horner)
      let vr = 1;
      let vi = 0;
      for (let i = degree - 1; i >= 0; i--) {
        const nr = vr * re[k] - vi * im[k] + monic[i];
        vi = vr * im[k] + vi * re[k];
        vr = nr;
      }
      // divided by Π_{j≠k} (z_k − z_j)
      let dr = 1;
      let di = 0;
      for (let j = 0; j < degree; j++) {
        if (j === k) continue;
        const xr = re[k] - re[j];
        const xi = im[k] - im[j];
        const nr = dr * xr - di * xi;
        di = dr * xi + di * xr;
        dr = nr;
      }
      const denominator = dr * dr + di * di;
      if (denominator === 0) {
        re[k] += 1e-8;
        change = Infinity;
        continue;
      }
      const stepR = (vr * dr + vi * di) / denominator;
      const stepI = (vi * dr - vr * di) / denominator;
      re[k] -= stepR;
      im[k] -= stepI;
      change = Math.max(change, Math.hypot(stepR, stepI) / Math.max(1, Math.hypot(re[k], im[k])));
    }
    if (change < 1e-14) break;
  }
  return { re, im };
}

/** Smallest root modulus of 1 + c_1 z + … (coefficients after the leading 1); Infinity for a constant. */
export function smallestRootModulus(coefficients: ArrayLike<number>): number {
  const { re, im } = polynomialRoots([1, ...Array.from(coefficients)]);
  let smallest = Infinity;
  for (let k = 0; k < re.length; k++) smallest = Math.min(smallest, Math.hypot(re[k], im[k]));
  return smallest;
}

/** R's arCheck: all roots of 1 − φ_1 z − … − φ_p z^p outside the unit circle. */
export function isStationary(ar: ArrayLike<number>): boolean {
  return smallestRootModulus(Array.from(ar, (v) => -v)) > 1;
}

/**
 * R's maInvert: MA coefficients with every root of 1 + θ_1 z + … inside the unit circle reflected outside
 * (the same autocorrelations, invertible).
 */
export function invertMa(ma: ArrayLike<number>): Float64Array {
  const q = ma.length;
  let q0 = q;
  while (q0 > 0 && ma[q0 - 1] === 0) q0--;
  const out = Float64Array.from(ma);
  if (q0 === 0) return out;
  const { re, im } = polynomialRoots([1, ...Array.from(ma).slice(0, q0)]);
  const inside = Array.from(re, (r, k) => Math.hypot(r, im[k]) < 1);
  if (!inside.some(Boolean)) return out;
  if (q0 === 1) {
    out.fill(0);
    out[0] = 1 / ma[0];
    return out;
  }
  // Roots inside replaced by their reciprocals, then rebuild Π (1 − z/root) with constant 1.
  let xr = [1];
  let xi = [0];
  for (let k = 0; k < q0; k++) {
    let rr = re[k];
    let ri = im[k];
    if (inside[k]) {
      const m2 = rr * rr + ri * ri;
      rr = rr / m2;
      ri = -ri / m2;
    }
    // 1/root
    const m2 = rr * rr + ri * ri;
    const ir = rr / m2;
    const ii = -ri / m2;
    const nr = new Array(xr.length + 1).fill(0);
    const ni = new Array(xr.length + 1).fill(0);
    for (let i = 0; i < xr.length; i++) {
      nr[i] += xr[i];
      ni[i] += xi[i];
      nr[i + 1] -= xr[i] * ir - xi[i] * ii;
      ni[i + 1] -= xr[i] * ii + xi[i] * ir;
    }
    xr = nr;
    xi = ni;
  }
  out.fill(0);
  for (let i = 0; i < q0; i++) out[i] = xr[i + 1];
  return out;
}
