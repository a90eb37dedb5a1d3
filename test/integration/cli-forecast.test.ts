/**
 * The forecast command run as a real subprocess (npx tsx src/cli/index.ts forecast …) on the CSV files in
 * test/fixtures/cli: exit codes, the output file, and the line-numbered errors for malformed input.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { autoForecast } from '../../models/forecast/auto';
import { cleanedForecast } from '../../models/forecast/cleaned-forecast';

const root = resolve(__dirname, '../..');
const fixture = (name: string) => join(root, 'test/fixtures/cli', name);

function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile('npx', ['tsx', 'src/cli/index.ts', ...args], { cwd: root }, (error, stdout, stderr) => {
      done({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'replen-cli-'));
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

describe('replen forecast', () => {
  it('writes h rows per series with nested intervals, the series sorted by period', async () => {
    const output = join(folder, 'forecast.csv');
    const result = await runCli(['forecast', '--input', fixture('good.csv'), '--output', output, '--horizon', '6', '--season-length', '12']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const text = readFileSync(output, 'utf8');
    expect(text.split('\n')[0]).toBe('series_id,step,mean,lo_80,hi_80,lo_95,hi_95,method');
    const rows: Record<string, string>[] = parse(text, { columns: true });
    const ids = ['sku-intermittent', 'sku-seasonal', 'sku-new', 'sku-with-gaps', 'sku-zero', 'sku-constant'];
    expect([...new Set(rows.map((row) => row.series_id))].sort()).toEqual([...ids].sort());
    expect(rows).toHaveLength(ids.length * 6);
    for (const row of rows) {
      const [mean, lo80, hi80, lo95, hi95] = [row.mean, row.lo_80, row.hi_80, row.lo_95, row.hi_95].map(Number);
      expect([mean, lo80, hi80, lo95, hi95].every(Number.isFinite)).toBe(true);
      expect(lo95).toBeLessThanOrEqual(lo80);
      expect(lo80).toBeLessThanOrEqual(hi80);
      expect(hi80).toBeLessThanOrEqual(hi95);
    }
    expect(rows.filter((row) => row.series_id === 'sku-zero').every((row) => row.mean === '0' && row.method === 'Zero')).toBe(true);

    // The shuffled rows of sku-seasonal, put in period order, give the same forecast as autoForecast directly.
    const input: Record<string, string>[] = parse(readFileSync(fixture('good.csv'), 'utf8'), { columns: true });
    const history = input
      .filter((row) => row.series_id === 'sku-seasonal')
      .sort((a, b) => Number(a.period) - Number(b.period))
      .map((row) => Number(row.value));
    const expected = autoForecast(history, { seasonLength: 12, horizon: 6 });
    const written = rows.filter((row) => row.series_id === 'sku-seasonal');
    written.forEach((row, i) => {
      expect(row.step).toBe(String(i + 1));
      expect(Number(row.mean)).toBeCloseTo(expected.mean[i], 6);
    });
    expect(written[0].method).toBe(expected.method);
  });

  it('reads ISO-date periods and quoted ids, and writes one interval pair per requested level in order', async () => {
    const output = join(folder, 'forecast.csv');
    const result = await runCli(['forecast', '--input', fixture('dates.csv'), '--output', output, '--horizon', '3', '--season-length', '12', '--levels', '50,80,95']);
    expect(result.code).toBe(0);
    const text = readFileSync(output, 'utf8');
    expect(text.split('\n')[0]).toBe('series_id,step,mean,lo_50,hi_50,lo_80,hi_80,lo_95,hi_95,method');
    const rows: Record<string, string>[] = parse(text, { columns: true });
    expect(rows.map((row) => row.series_id)).toEqual(new Array(3).fill('store 1, aisle 2'));
    for (const row of rows) expect(Number(row.hi_50)).toBeLessThanOrEqual(Number(row.hi_80));
  });

  it.each([
    ['bad-value.csv', "line 6: value '12x' is not a number"],
    ['bad-header.csv', "line 1: header must be series_id,period,value, got 'sku,period,value'"],
    ['bad-duplicate.csv', "line 7: duplicate period for series 'A' (also on line 3)"],
    ['bad-mixed-periods.csv', "line 6: period '2024-01-01' is a date but earlier periods are integers"],
    ['bad-missing-field.csv', 'line 6: expected 3 fields (series_id,period,value), got 2'],
    ['bad-quote.csv', 'line 4: Quote Not Closed'],
  ])('rejects %s with "%s", exit code 2, and leaves no output file', async (name, message) => {
    const output = join(folder, 'forecast.csv');
    const result = await runCli(['forecast', '--input', fixture(name), '--output', output, '--horizon', '6', '--season-length', '12']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(existsSync(output)).toBe(false);
    expect(readdirSync(folder)).toEqual([]);
  });

  it('keeps an existing output file unchanged when the input is malformed', async () => {
    const output = join(folder, 'forecast.csv');
    writeFileSync(output, 'previous forecast\n');
    const result = await runCli(['forecast', '--input', fixture('bad-value.csv'), '--output', output, '--horizon', '6', '--season-length', '12']);
    expect(result.code).toBe(2);
    expect(readFileSync(output, 'utf8')).toBe('previous forecast\n');
  });

  it('rejects bad flags with exit code 2 and says what is wrong with each', async () => {
    const result = await runCli(['forecast', '--input', fixture('good.csv'), '--output', join(folder, 'f.csv'), '--horizon', '0', '--season-length', 'x', '--levels', '80,120', '--method', 'magic']);
    expect(result.code).toBe(2);
    for (const message of ['--horizon must be a positive integer', '--season-length must be a positive integer', '--levels must be comma-separated percentages', '--method must be one of auto,']) {
      expect(result.stderr).toContain(message);
    }
    expect(existsSync(join(folder, 'f.csv'))).toBe(false);
  });

  it('exits with 2 and names a missing input file', async () => {
    const result = await runCli(['forecast', '--input', join(folder, 'absent.csv'), '--output', join(folder, 'f.csv'), '--horizon', '2', '--season-length', '1']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('absent.csv');
  });

  it('replaces a promotion week before fitting as the nightly forecast does, and keeps it with --no-clean', async () => {
    const history = Array.from({ length: 80 }, (_, t) => Math.round(200 + 12 * Math.sin(t * 2.9) + 7 * Math.cos(t * 1.3)));
    history[50] *= 5;
    const input = join(folder, 'spiked.csv');
    writeFileSync(input, ['series_id,period,value', ...history.map((value, t) => `sku-promoted,${t + 1},${value}`)].join('\n'));
    const meansOf = async (extra: string[]) => {
      const output = join(folder, `out${extra.length}.csv`);
      const result = await runCli(['forecast', '--input', input, '--output', output, '--horizon', '4', '--season-length', '1', ...extra]);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      return (parse(readFileSync(output, 'utf8'), { columns: true }) as Record<string, string>[]).map((row) => Number(row.mean));
    };
    const cleaned = cleanedForecast(history, { seasonLength: 1, horizon: 4 });
    expect(cleaned.cleaned.map(({ index }) => index)).toEqual([50]);
    (await meansOf([])).forEach((mean, i) => expect(mean).toBeCloseTo(cleaned.mean[i], 6));
    const raw = autoForecast(history, { seasonLength: 1, horizon: 4 });
    expect(raw.mean[0]).not.toBeCloseTo(cleaned.mean[0], 0);
    (await meansOf(['--no-clean'])).forEach((mean, i) => expect(mean).toBeCloseTo(raw.mean[i], 6));
  });
});
