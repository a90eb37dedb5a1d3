/**
 * A series_id,period,value file (as `replen forecast` and `replen replay` read it, periods 1, 2, …) read whole, for
 * the calibration scripts; series in order of first appearance. The CLI's readSeriesCsv checks every row; these
 * scripts read the files bench/replay-inputs.ts wrote.
 */
import fs from 'node:fs';

export function readSeriesFile(file: string): Array<{ id: string; values: number[] }> {
  const byId = new Map<string, number[]>();
  for (const line of fs.readFileSync(file, 'utf8').trim().split('\n').slice(1)) {
    const [id, period, value] = line.split(',');
    const values = byId.get(id) ?? [];
    byId.set(id, values);
    values[Number(period) - 1] = Number(value);
  }
  return [...byId].map(([id, values]) => ({ id, values }));
}
