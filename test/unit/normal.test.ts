import { normalCdf, normalLoss, normalQuantile } from '../../models/stats/normal';

describe('normal distribution helpers', () => {
  // R 4.x: qnorm(c(0.5, 0.9, 0.95, 0.98, 0.99, 0.001))
  it.each([
    [0.5, 0],
    [0.9, 1.2815515655446004],
    [0.95, 1.6448536269514722],
    [0.98, 2.0537489106318225],
    [0.99, 2.3263478740408408],
    [0.001, -3.090232306167813],
  ])('normalQuantile(%p) matches R qnorm to 1e-12', (p, expected) => {
    expect(normalQuantile(p)).toBeCloseTo(expected, 12);
  });

  // R: pnorm(1.96) = 0.9750021048517795
  it('normalCdf(1.96) matches R pnorm', () => {
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021048517795, 12);
  });

  // Silver, Pyke & Peterson (1998), Table B.1: G(0) = 0.3989, G(1.0) = 0.0833, G(2.0) = 0.0085
  it.each([
    [0, 0.3989],
    [1, 0.0833],
    [2, 0.0085],
  ])('normalLoss(%p) matches the textbook table', (z, expected) => {
    expect(normalLoss(z)).toBeCloseTo(expected, 4);
  });

  it('rejects p outside (0, 1) with a named error', () => {
    expect(() => normalQuantile(1)).toThrow('normalQuantile: p must be in (0, 1)');
  });
});
