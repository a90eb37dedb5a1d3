/**
 * Forecast variances for the ETS classes with closed forms (Hyndman et al. 2008, ch. 6; forecast's class1/class2).
 */
import type { SmoothingParameters } from './recursions';

/**
 * Impulse responses c_j = α + β·φ_j + γ·[j mod m = 0], φ_j = φ + … + φ^j, for j = 1 … count
 * (Hyndman et al. 2008, Table 6.1; forecast's class1 computes the same as H F^(j−1) G).
 */
function impulseResponses(parameters: SmoothingParameters, m: number, count: number): number[] {
  const { alpha, beta, gamma, phi } = parameters;
  const responses: number[] = [];
  let phiSum = 0;
  let phiPower = 1;
  for (let j = 1; j <= count; j++) {
    phiPower *= phi;
    phiSum += phiPower;
    responses.push(alpha + beta * phiSum + (m > 1 && j % m === 0 ? gamma : 0));
  }
  return responses;
}

/**
 * Class 1, additive error with additive or no trend and season (linear, homoscedastic):
 *   v_h = σ² (1 + Σ_{j=1}^{h−1} c_j²)   (Hyndman et al. 2008, eq. 6.1).
 */
export function additiveErrorVariances(parameters: SmoothingParameters, m: number, sigma2: number, horizon: number): number[] {
  const responses = impulseResponses(parameters, m, horizon - 1);
  const variances: number[] = [sigma2];
  let sum = 0;
  for (let h = 1; h < horizon; h++) {
    sum += responses[h - 1] ** 2;
    variances.push(sigma2 * (1 + sum));
  }
  return variances;
}

/**
 * Class 2, multiplicative error with additive or no trend and season:
 *   θ_1 = μ_1², θ_h = μ_h² + σ² Σ_{j=1}^{h−1} c_j² θ_{h−j},   v_h = (1 + σ²) θ_h − μ_h²
 * where μ_h are the point forecasts (Hyndman et al. 2008, §6.3; forecast's class2).
 */
export function multiplicativeErrorVariances(
  parameters: SmoothingParameters,
  m: number,
  sigma2: number,
  means: readonly number[],
): number[] {
  const horizon = means.length;
  const responses = impulseResponses(parameters, m, horizon - 1);
  const theta: number[] = [];
  for (let h = 0; h < horizon; h++) {
    let sum = 0;
    for (let j = 1; j <= h; j++) sum += responses[j - 1] ** 2 * theta[h - j];
    theta.push(means[h] ** 2 + sigma2 * sum);
  }
  return theta.map((value, h) => (1 + sigma2) * value - means[h] ** 2);
}

/**
 * Rearranges values[from..to] so that values[k] is the value of rank k (0-based) among them, with none larger
 * before it and none smaller after it: Hoare's FIND (Wirth's formulation), expected O(n), no full sort.
 */
function selectRank(values: Float64Array, k: number, from: number, to: number): void {
  let left = from;
  let right = to;
  while (right > left) {
    const pivot = values[k];
    let i = left;
    let j = right;
    do {
      while (values[i] < pivot) i++;
      while (pivot < values[j]) j--;
      if (i <= j) {
        const swap = values[i];
        values[i] = values[j];
        values[j] = swap;
        i++;
        j--;
      }
    } while (i <= j);
    if (j < k) left = i;
    if (k < i) right = j;
  }
}

/**
 * Sample quantile, Hyndman & Fan (1996) type 8 (R's quantile(type = 8), as forecast uses for simulated intervals):
 * with h = n·p + (p + 1)/3, j = ⌊h⌋, the value x_(j) + (h − j)(x_(j+1) − x_(j)) between order statistics.
 * Finds the two order statistics by selection rather than sorting; reorders `values`. Cost O(n) expected.
 */
export function quantileType8(values: Float64Array, probability: number): number {
  const n = values.length;
  const position = n * probability + (probability + 1) / 3;
  const j = Math.floor(position);
  const fraction = position - j;
  if (j < 1) {
    selectRank(values, 0, 0, n - 1);
    return values[0];
  }
  if (j >= n) {
    selectRank(values, n - 1, 0, n - 1);
    return values[n - 1];
  }
  selectRank(values, j - 1, 0, n - 1);
  let next = values[j];
  for (let i = j + 1; i < n; i++) if (values[i] < next) next = values[i];
  return (1 - fraction) * values[j - 1] + fraction * next;
}
