import { abcClassify, xyzClassify } from '../../../models/policy/classification';

describe('abcClassify by cumulative revenue share', () => {
  // Revenue 500, 200, 150, 100, 30, 20 of 1,000: cumulative before each item 0, 0.5, 0.7, 0.85, 0.95, 0.98.
  // A while the share before is < 0.8 (p1, p2, p3: p3 crosses 80 % and is still A), B while < 0.95 (p4), C after.
  const items = [
    { sku: 'p5', revenue: 30 },
    { sku: 'p1', revenue: 500 },
    { sku: 'p3', revenue: 150 },
    { sku: 'p6', revenue: 20 },
    { sku: 'p2', revenue: 200 },
    { sku: 'p4', revenue: 100 },
  ];

  it('classifies with the default 80/95 cut-offs, the item crossing a cut-off staying in the higher class', () => {
    expect(abcClassify(items).map((r) => [r.sku, r.abcClass, r.cumulativeShare])).toEqual([
      ['p1', 'A', 0.5],
      ['p2', 'A', 0.7],
      ['p3', 'A', 0.85],
      ['p4', 'B', 0.95],
      ['p5', 'C', expect.closeTo(0.98, 12)],
      ['p6', 'C', expect.closeTo(1, 12)],
    ]);
  });

  it('takes configured cut-offs', () => {
    // Shares before: 0, 0.5 (< 0.6: A), 0.7, 0.85 (< 0.9: B), 0.95, 0.98 (C).
    expect(abcClassify(items, { a: 0.6, b: 0.9 }).map((r) => r.abcClass)).toEqual(['A', 'A', 'B', 'B', 'C', 'C']);
  });

  it('makes a single dominant item A (the next one, after 99%, C) and zero revenue C', () => {
    expect(abcClassify([{ sku: 'big', revenue: 99 }, { sku: 'small', revenue: 1 }]).map((r) => r.abcClass)).toEqual(['A', 'C']);
    expect(abcClassify([{ sku: 'none', revenue: 0 }]).map((r) => r.abcClass)).toEqual(['C']);
  });

  it('rejects cut-offs out of order by name', () => {
    expect(() => abcClassify(items, { a: 0.9, b: 0.8 })).toThrow('abcClassify: cut-offs must satisfy');
  });
});

describe('xyzClassify by coefficient of variation', () => {
  it('classifies X ≤ 0.5 < Y ≤ 1.0 < Z with the sample standard deviation', () => {
    // steady: [9, 10, 11, 10] → mean 10, s = √(2/3) = 0.8165, CV 0.082 → X.
    // swing: [5, 15, 5, 15] → mean 10, s = √(100/3) = 5.774, CV 0.577 → Y.
    // lumpy: [0, 0, 0, 40] → mean 10, s = 20, CV 2 → Z. never: all zero → Z with CV null.
    const result = xyzClassify([
      { sku: 'steady', demand: [9, 10, 11, 10] },
      { sku: 'swing', demand: [5, 15, 5, 15] },
      { sku: 'lumpy', demand: [0, 0, 0, 40] },
      { sku: 'never', demand: [0, 0, 0] },
    ]);
    expect(result.map((r) => [r.sku, r.xyzClass])).toEqual([
      ['steady', 'X'],
      ['swing', 'Y'],
      ['lumpy', 'Z'],
      ['never', 'Z'],
    ]);
    expect(result[1].coefficientOfVariation).toBeCloseTo(Math.sqrt(100 / 3) / 10, 12);
    expect(result[2].coefficientOfVariation).toBeCloseTo(2, 12);
    expect(result[3].coefficientOfVariation).toBeNull();
  });

  it('takes configured cut-offs', () => {
    expect(xyzClassify([{ sku: 'swing', demand: [5, 15, 5, 15] }], { x: 0.6, y: 1 })[0].xyzClass).toBe('X');
  });

  it('rejects a single period by name', () => {
    expect(() => xyzClassify([{ sku: 'one', demand: [3] }])).toThrow('xyzClassify: needs at least two periods of demand for one');
  });
});
