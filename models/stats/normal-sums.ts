/**
 * Distribution and density functions of X + s·Z, Z a standard normal independent of X and s > 0, for the simple X a
 * quantile function made of straight pieces and exponential tails decomposes into: a point, a uniform, an exponential
 * (the ex-Gaussian) and its mirror. Closed forms, so a mixture of them is exact where a grid of nodes is not.
 */
import { normalCdf, normalDensity } from './normal';

/** P(X + s·Z ≤ x) and its density at x. */
export interface CdfAndDensity {
  cdf: number;
  density: number;
}

/** X = c: Φ((x − c)/s), φ((x − c)/s)/s. */
export function pointPlusNormal(x: number, c: number, s: number): CdfAndDensity {
  const z = (x - c) / s;
  return { cdf: normalCdf(z), density: normalDensity(z) / s };
}

/** ∫Φ: ψ(z) = z·Φ(z) + φ(z). */
const integratedNormalCdf = (z: number) => z * normalCdf(z) + normalDensity(z);

/**
 * X uniform on [a, b]: (s/(b − a))·(ψ((x − a)/s) − ψ((x − b)/s)), ψ = ∫Φ, and density (Φ((x − a)/s) − Φ((x − b)/s))/(b − a).
 * A piece narrower than s/10⁴ is its midpoint: the difference of ψ would lose its digits, and the variance it adds,
 * (b − a)²/12, is below 1e-9·s².
 */
export function uniformPlusNormal(x: number, a: number, b: number, s: number): CdfAndDensity {
  if (b - a < 1e-4 * s) return pointPlusNormal(x, (a + b) / 2, s);
  const [za, zb] = [(x - a) / s, (x - b) / s];
  return { cdf: (s / (b - a)) * (integratedNormalCdf(za) - integratedNormalCdf(zb)), density: (normalCdf(za) - normalCdf(zb)) / (b - a) };
}

/**
 * The Mills ratio (1 − Φ(t))/φ(t) for t > 5 by its continued fraction 1/(t + 1/(t + 2/(t + 3/(t + …)))) (Abramowitz
 * and Stegun 26.2.14), where 1 − Φ(t) from erf has lost its relative digits; 40 terms are exact to double precision.
 */
function millsRatio(t: number): number {
  let fraction = t;
  for (let k = 40; k >= 1; k--) fraction = t + k / fraction;
  return 1 / fraction;
}

/**
 * X = c + β·E, E a standard exponential (the ex-Gaussian): with v = (x − c)/s, r = s/β and w = v − r,
 * P = Φ(v) − T and density T/β, T = e^{−(x − c)/β + r²/2}·Φ(w) = e^{−r(v + w)/2}·Φ(w) (Grushka 1972, Analytical
 * Chemistry 44). Below w = −5 T is written (Φ(w)/φ(w))·φ(v), the Mills ratio of −w, so that e^{r²/2} never overflows
 * when β is small against s. β ≤ 0 is the point c.
 */
export function upperExponentialPlusNormal(x: number, c: number, beta: number, s: number): CdfAndDensity {
  if (!(beta > 0)) return pointPlusNormal(x, c, s);
  const v = (x - c) / s;
  const w = v - s / beta;
  const tail = w > -5 ? normalCdf(w) * Math.exp((-(s / beta) * (v + w)) / 2) : millsRatio(-w) * normalDensity(v);
  return { cdf: normalCdf(v) - tail, density: tail / beta };
}

/** X = c − β·E, the mirror: P(X + sZ ≤ x) = 1 − P(−X + sZ ≤ −x), the density the same. */
export function lowerExponentialPlusNormal(x: number, c: number, beta: number, s: number): CdfAndDensity {
  const mirrored = upperExponentialPlusNormal(-x, -c, beta, s);
  return { cdf: 1 - mirrored.cdf, density: mirrored.density };
}
