import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replayHeader, runReplayCommand } from '../../src/cli/replay';

const fixture = join(__dirname, '..', 'fixtures', 'cli', 'replay-small.csv');

/** Runs the command (forecasts in this thread) with stdout and stderr captured. */
async function run(argv: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const errorSpy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  const outputSpy = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    return { code: await runReplayCommand(argv, { forecastThreads: 0 }), stderr };
  } finally {
    errorSpy.mockRestore();
    outputSpy.mockRestore();
  }
}

const rowsOf = (text: string) => {
  const [header, ...lines] = text.trim().split('\n');
  const names = header.split(',');
  return new Map(lines.map((line) => [line.split(',')[0], Object.fromEntries(line.split(',').map((value, i) => [names[i], value]))]));
};

/*
 * replay-small.csv, 16 weeks, warm-up 10, L = R = 1 week, fixed lead time:
 *   spike: 14 a week, 20 in week 11 (0-based). Textbook S = 14 × 2 = 28 (σ 0 on the recorded sales).
 *     week 10: 28 → 14 (no order at the first review); review 11 orders 14; week 11 sells 14, backorders 6;
 *     review 12: position 0 + 14 − 6 = 8 → orders 20 (S stays 28: the 20 was recorded as the 14 served, censored);
 *     week 12: Monday's 14 fill the 6 first, 8 on hand for 14 of demand → 6 more backordered; week 13: 20 fill them.
 *     Backordered 12; fill rate (90 − 12) / 90; cycles (reviews 10 … 14, each over the next week) 5, short 2 → 0.6;
 *     orders at reviews 11 … 15: 5.
 */
describe('replen replay (CLI) on a small fixture', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'replen-replay-test-'));
  });
  afterAll(() => rm(folder, { recursive: true, force: true }));

  const flags = (policy: string, extra: string[] = []) => [
    '--input', fixture, '--output', join(folder, `${policy}.csv`), '--summary', join(folder, `${policy}.json`),
    '--service-level', '0.95', '--lead-time', '1', '--warmup', '10', '--policy', policy, ...extra,
  ];

  it('textbook: the hand-checked stock-out of the spike, from censored sales', async () => {
    const { code, stderr } = await run(flags('textbook'));
    expect(code).toBe(0);
    expect(stderr.match(/^replen replay: week \d+\/6 /gm)).toHaveLength(6);
    const text = await readFile(join(folder, 'textbook.csv'), 'utf8');
    expect(text.split('\n')[0]).toBe(replayHeader);
    const spike = rowsOf(text).get('spike')!;
    expect(spike).toMatchObject({ target_csl: '0.95', achieved_csl: '0.6', backordered_units: '12', orders: '5' });
    expect(Number(spike.fill_rate)).toBeCloseTo(78 / 90, 9);
    expect(rowsOf(text).get('steady')).toMatchObject({ achieved_csl: '1', fill_rate: '1', backordered_units: '0' });
    // No nightly run dated the spike's backorders (eta_p90_met is empty): summary.json's ETA accuracy, the figure of
    // GET /backorders/accuracy, scores only shipped lines that were given a date.
    expect(spike.eta_p90_met).toBe('');
    const { etaAccuracy } = JSON.parse(await readFile(join(folder, 'textbook.json'), 'utf8'));
    expect(etaAccuracy).toMatchObject({ lines: 0, units: 0 });
    expect(Object.keys(etaAccuracy.measures).sort()).toEqual(['firstEta', 'firstEtaLateCase', 'lastEta', 'lastEtaLateCase']);
  }, 300_000);

  it('replen: every series replayed through the pipeline, summary per class and overall', async () => {
    const { code } = await run(flags('replen', ['--report', join(folder, 'report.html')]));
    expect(code).toBe(0);
    const rows = rowsOf(await readFile(join(folder, 'replen.csv'), 'utf8'));
    expect([...rows.keys()]).toEqual(['spike', 'steady', 'rare']);
    expect(rows.get('rare')!.demand_class).toBe('intermittent');
    // The planner ordered: stock arrived every week for the steady item, which never ran short.
    expect(Number(rows.get('steady')!.orders)).toBeGreaterThanOrEqual(4);
    expect(rows.get('steady')).toMatchObject({ achieved_csl: '1', backordered_units: '0' });
    const summary = JSON.parse(await readFile(join(folder, 'replen.json'), 'utf8'));
    expect(summary.policy).toBe('replen');
    expect(summary.overall.series).toBe(3);
    expect(Object.values(summary.byClass).reduce((sum: number, group) => sum + (group as { series: number }).series, 0)).toBe(3);
    // Weeks of cover: each series' average stock over its mean weekly demand in the six replayed weeks, then the mean.
    const replayed = new Map<string, number[]>();
    for (const line of (await readFile(fixture, 'utf8')).trim().split('\n').slice(1)) {
      const [id, period, value] = line.split(',');
      if (Number(period) > 10) replayed.set(id, [...(replayed.get(id) ?? []), Number(value)]);
    }
    const cover = [...rows].map(([id, row]) => Number(row.avg_on_hand) / (replayed.get(id)!.reduce((sum, x) => sum + x, 0) / 6));
    expect(summary.overall.weeksOfCover).toBeCloseTo(cover.reduce((sum, x) => sum + x, 0) / 3, 6);
    expect(summary.byClass.intermittent.weeksOfCover).toBeCloseTo(cover[2], 6);
    // report.html: self-contained (nothing fetched), one scatter per class, the traces of the (here three) worst SKUs.
    const report = await readFile(join(folder, 'report.html'), 'utf8');
    expect(report).not.toMatch(/<script|<link|src=|https?:/);
    expect(report.match(/aria-label="achieved service against average stock"/g)).toHaveLength(Object.keys(summary.byClass).length);
    expect(report.match(/aria-label="weekly on hand, backorders and demand of /g)).toHaveLength(3);
  }, 300_000);

  it("replen --max-order 10 --service-measure fill-rate: the supplier item's cap reaches the plan, and starves the steady item", async () => {
    const output = join(folder, 'capped.csv');
    const summaryFile = join(folder, 'capped.json');
    const { code } = await run([...flags('replen'), '--output', output, '--summary', summaryFile, '--max-order', '10', '--service-measure', 'fill-rate']);
    expect(code).toBe(0);
    // 21 a week against at most 10 an order, one order a week: the stock it starts with runs down by 11 a week.
    const steady = rowsOf(await readFile(output, 'utf8')).get('steady')!;
    expect(Number(steady.backordered_units)).toBeGreaterThan(0);
    expect(Number(steady.fill_rate)).toBeLessThan(1);
    expect(JSON.parse(await readFile(summaryFile, 'utf8'))).toMatchObject({ policy: 'replen', serviceMeasure: 'fill-rate' });
  }, 300_000);

  it('--sense --inject-spikes: the sense job runs after every simulated day and records the injected spike as an exception', async () => {
    const output = join(folder, 'sensed.csv');
    const summaryFile = join(folder, 'sensed.json');
    const spikeFlags = ['--inject-spikes', '0.34', '--spike-factor', '5', '--spike-weeks', '1'];
    const { code } = await run([...flags('replen'), '--output', output, '--summary', summaryFile, '--sense', ...spikeFlags]);
    expect(code).toBe(0);
    const summary = JSON.parse(await readFile(summaryFile, 'utf8'));
    expect(summary.sense).toBe(true);
    // Seed 1 spikes round(0.34 × 3) = 1 series, 'steady' (21 a week), in week 15 of 16 (0-based 14: days 98 … 104,
    // chooseSpikes): 105 units that week. The sense job's spike exception names it on a day of that week.
    expect(summary.spikes).toMatchObject({ skus: 1, sensed: 1, series: [{ seriesId: 'steady', firstDay: 98 }] });
    const { firstSensedDay } = summary.spikes.series[0];
    expect(firstSensedDay).toBeGreaterThanOrEqual(98);
    expect(firstSensedDay).toBeLessThanOrEqual(104);
    expect(summary.overall.spikeSensedDays).toBeGreaterThanOrEqual(1);

    // The same replay without --sense: the same spike, and no sense run to see it.
    const plainSummary = join(folder, 'unsensed.json');
    expect((await run([...flags('replen'), '--output', join(folder, 'unsensed.csv'), '--summary', plainSummary, ...spikeFlags])).code).toBe(0);
    const plain = JSON.parse(await readFile(plainSummary, 'utf8'));
    expect(plain).toMatchObject({ sense: false, spikes: { skus: 1, sensed: 0, series: [{ seriesId: 'steady', firstDay: 98, firstSensedDay: null }] } });
    expect(plain.overall.spikeSensedDays).toBe(0);
  }, 300_000);

  it('refuses bad --sense and spike flags, with exit code 2', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--sense', '--policy', 'textbook'], /--sense re-plans with replen: it needs --policy replen/],
      [['--spike-factor', '3'], /--spike-factor and --spike-weeks need --inject-spikes/],
      [['--inject-spikes', '1.5'], /--inject-spikes is the share of series spiked: in \(0, 1\]/],
      [['--inject-spikes', '0'], /--inject-spikes is the share of series spiked/],
      [['--inject-spikes', 'some'], /--inject-spikes must be a number ≥ 0/],
      [['--inject-spikes', '0.1', '--spike-factor=-2'], /--spike-factor must be a number ≥ 0/],
      [['--inject-spikes', '0.1', '--spike-factor', '0'], /--spike-factor must be > 0/],
      [['--inject-spikes', '0.1', '--spike-weeks', '0'], /--spike-weeks must be a whole number ≥ 1/],
      [['--inject-spikes', '0.1', '--spike-weeks', '1.5'], /--spike-weeks must be a whole number ≥ 1/],
      [['--inject-spikes', '0.1', '--spike-weeks', '7'], /a spike of 7 weeks does not fit in the 6 weeks replayed/],
      [['--sense=yes'], /--sense/],
    ];
    for (const [extra, message] of cases) {
      const { code, stderr } = await run([...flags('replen'), ...extra]);
      expect({ extra, code }).toEqual({ extra, code: 2 });
      expect(stderr).toMatch(message);
    }
  });

  it('refuses a cap that leaves no multiple at or above the MOQ, with exit code 2', async () => {
    const { code, stderr } = await run([...flags('replen'), '--moq', '12', '--multiple', '12', '--max-order', '11']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--max-order leaves no multiple of --multiple at or above --moq/);
  });

  it('refuses a warm-up that leaves nothing to replay, with exit code 2', async () => {
    const { code, stderr } = await run(flags('replen', ['--warmup', '16']));
    expect(code).toBe(2);
    expect(stderr).toMatch(/the warm-up of 16 leaves none to replay/);
  });
});
