import { trendWords } from '../../../src/web/client/format';

/** The Suppliers tab's words for the API's lateness slope: the direction said against where the supplier stands. */
describe('trendWords', () => {
  it('calls a late supplier whose lateness falls "less late", not "earlier"', () => {
    expect(trendWords(-2, 3.75)).toBe('less late each month (−2 d a month)');
  });

  it('names the other three cases by the slope’s sign and the mean lateness’s', () => {
    expect(trendWords(0.8, 1.5)).toBe('later each month (+0.8 d a month)');
    expect(trendWords(0.8, -2)).toBe('less early each month (+0.8 d a month)');
    expect(trendWords(-1.25, -0.5)).toBe('earlier each month (−1.25 d a month)');
  });

  it('is steady under a quarter of a day a month either way, and says so when the API has no slope', () => {
    expect(trendWords(0.24, 5)).toBe('steady');
    expect(trendWords(-0.24, 5)).toBe('steady');
    expect(trendWords(0.25, 5)).toBe('later each month (+0.25 d a month)');
    expect(trendWords(null, 5)).toBe('too few months');
  });
});
