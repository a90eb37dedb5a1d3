/**
 * Parameter space for ETS smoothing parameters, forecast's bounds = "both": the "usual" region
 * (0 < β ≤ α < 1, 0 < γ ≤ 1 − α, φ in [0.8, 0.98], from the lower/upper limits) intersected with the
 * "admissible" (forecastable) region of Hyndman, Akram & Archibald (2008), "The admissible parameter space for
 * exponential smoothing models", Ann. Inst. Stat. Math. 60(2), as forecast's `check.param` / `admissible`.
 */

export interface ParameterLimits {
  /** Lower limits for alpha, beta, gamma, phi (R default: 1e-4, 1e-4, 1e-4, 0.8). */
  lower: readonly [number, number, number, number];
  /** Upper limits for alpha, beta, gamma, phi (R default: 0.9999, 0.9999, 0.9999, 0.98). */
  upper: readonly [number, number, number, number];
}

export const DEFAULT_LIMITS: ParameterLimits = { lower: [1e-4, 1e-4, 1e-4, 0.8], upper: [0.9999, 0.9999, 0.9999, 0.98] };

/**
 * True when all roots of z^d + c[1] z^(d−1) + … + c[d] lie within |z| ≤ radius, by the Schur–Cohn step-down
 * recursion (reflection coefficients |k| < 1 at every degree; Jury 1964). R finds the roots with polyroot
 * instead; this gives the same answer in O(d²) without complex arithmetic. `coefficients` is overwritten.
 */
export function rootsWithinRadius(coefficients: Float64Array, degree: number, radius: number): boolean {
  // Roots of P within `radius` ⇔ roots of P(radius·w)/radius^d within the unit circle.
  let scale = 1;
  for (let i = 1; i <= degree; i++) {
    scale /= radius;
    coefficients[i] *= scale;
  }
  for (let d = degree; d >= 1; d--) {
    const k = coefficients[d];
    if (!(Math.abs(k) < 1)) return false;
    const inverse = 1 / (1 - k * k);
    // b_i = (a_i − k·a_{d−i}) / (1 − k²), i = 0 … d−1, done in place pairwise.
    for (let i = 1, j = d - 1; i <= j; i++, j--) {
      const left = coefficients[i];
      const right = coefficients[j];
      coefficients[i] = (left - k * right) * inverse;
      if (i !== j) coefficients[j] = (right - k * left) * inverse;
    }
  }
  return true;
}

/**
 * Checks α, β, γ, φ against the usual limits and the admissible region (null = component absent).
 * For seasonal models the admissible region needs all roots of
 *   z^(m+1) + (α+β−φ) z^m + (α+β−αφ) (z^(m−1) + … + z²) + (α+β−αφ+γ−1) z + φ(1−α−γ)
 * within the unit circle (to 1e-10), as forecast's C++ `admissible`. `scratch` has length ≥ m + 2.
 */
export function parametersAllowed(
  alpha: number,
  beta: number | null,
  gamma: number | null,
  phi: number | null,
  m: number,
  limits: ParameterLimits,
  scratch: Float64Array,
): boolean {
  const { lower, upper } = limits;
  if (alpha < lower[0] || alpha > upper[0]) return false;
  if (beta !== null && (beta < lower[1] || beta > alpha || beta > upper[1])) return false;
  if (phi !== null && (phi < lower[3] || phi > upper[3])) return false;
  if (gamma !== null && (gamma < lower[2] || gamma > 1 - alpha || gamma > upper[2])) return false;

  const damping = phi ?? 1;
  if (damping < 0 || damping > 1 + 1e-8) return false;
  if (gamma === null) {
    if (alpha < 1 - 1 / damping || alpha > 1 + 1 / damping) return false;
    if (beta !== null && (beta < alpha * (damping - 1) || beta > (1 + damping) * (2 - alpha))) return false;
    return true;
  }
  if (m <= 1) return true;
  const slope = beta ?? 0;
  if (gamma < Math.max(1 - 1 / damping - alpha, 0) || gamma > 1 + 1 / damping - alpha) return false;
  if (alpha < 1 - 1 / damping - (gamma * (1 - m + damping + damping * m)) / (2 * damping * m)) return false;
  if (slope < -(1 - damping) * (gamma / m + alpha)) return false;
  scratch[0] = 1;
  scratch[1] = alpha + slope - damping;
  for (let i = 2; i < m; i++) scratch[i] = alpha + slope - alpha * damping;
  scratch[m] = alpha + slope - alpha * damping + gamma - 1;
  scratch[m + 1] = damping * (1 - alpha - gamma);
  return rootsWithinRadius(scratch, m + 1, 1 + 1e-10);
}
