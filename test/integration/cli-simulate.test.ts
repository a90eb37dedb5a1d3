import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSimulateCommand } from '../../src/cli/simulate';

const fixture = (name: string) => join(__dirname, '..', 'fixtures', 'cli', name);

/** Runs the command with stdout and stderr captured. */
async function run(argv: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const errorSpy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  const outputSpy = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    return { code: await runSimulateCommand(argv), stderr };
  } finally {
    errorSpy.mockRestore();
    outputSpy.mockRestore();
  }
}

describe('replen simulate (CLI)', () => {
  let folder: string;
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'replen-simulate-'));
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  const flags = (input: string, output: string, extra: string[] = []) => [
    '--input', fixture(input), '--output', join(folder, output), '--lead-time', '1', '--review-period', '1', '--service-level', '0.95', ...extra,
  ];

  it('writes one row per series, in order of first appearance, from rows given in any order', async () => {
    const { code } = await run(flags('simulate-good.csv', 'out.csv'));
    expect(code).toBe(0);
    const lines = (await readFile(join(folder, 'out.csv'), 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('series_id,target_csl,achieved_csl,fill_rate,avg_on_hand,avg_backordered,orders,cycles,demand_class,method');
    expect(lines.slice(1).map((line) => line.split(',')[0])).toEqual(['slow', 'steady', 'smooth']);
  });

  it('replays constant demand (30 periods, default warm-up 15) with 100 % service: 14 cycles, 14 orders', async () => {
    await run(flags('simulate-good.csv', 'out.csv'));
    const steady = (await readFile(join(folder, 'out.csv'), 'utf8')).split('\n').find((line) => line.startsWith('steady,'))!;
    const [, target, achieved, fillRate, onHand, backordered, orders, cycles, demandClass] = steady.split(',');
    expect({ target, achieved, fillRate, backordered, orders, cycles, demandClass }).toEqual({
      target: '0.95', achieved: '1', fillRate: '1', backordered: '0', orders: '14', cycles: '14', demandClass: 'smooth',
    });
    expect(Number(onHand)).toBeCloseTo(10 / 15, 9);
  });

  it('buffers the intermittent series from samples, as the planner, and quotes a method holding commas', async () => {
    await run(flags('simulate-good.csv', 'out.csv'));
    const text = await readFile(join(folder, 'out.csv'), 'utf8');
    expect(text).toMatch(/^slow,0\.95,[\d.]+,[\d.]+,[\d.]+,[\d.]+,\d+,\d+,intermittent,[a-z]+; samples-quantile$/m);
    expect(text).toMatch(/^smooth,.*,smooth,"Mean of ETS\(.*; error-quantile-cycle"$/m);
  });

  it('gives the same file for the same input and seed, with a random lead time too', async () => {
    const extra = ['--lead-time-sd', '0.8', '--seed', '5'];
    await run(flags('simulate-good.csv', 'a.csv', extra));
    await run(flags('simulate-good.csv', 'b.csv', extra));
    expect(await readFile(join(folder, 'a.csv'), 'utf8')).toBe(await readFile(join(folder, 'b.csv'), 'utf8'));
  });

  it('accepts the level as a percentage: --service-level 90 is 0.9', async () => {
    const argv = flags('simulate-good.csv', 'out.csv').map((value) => (value === '0.95' ? '90' : value));
    expect((await run(argv)).code).toBe(0);
    expect(await readFile(join(folder, 'out.csv'), 'utf8')).toMatch(/^steady,0\.9,/m);
  });

  it('names the malformed line, exits 2 and leaves no output file (nor its temporary)', async () => {
    const { code, stderr } = await run(flags('simulate-bad-line.csv', 'out.csv'));
    expect(code).toBe(2);
    expect(stderr).toContain("line 4: value 'seven' is not a number");
    expect(await readdir(folder)).toEqual([]);
  });

  it('names a series too short for the warm-up, exits 2 and writes nothing', async () => {
    const { code, stderr } = await run(flags('simulate-short.csv', 'out.csv', ['--warmup', '12']));
    expect(code).toBe(2);
    expect(stderr).toContain("series 'brief' has 4 periods");
    expect(await readdir(folder)).toEqual([]);
  });

  it.each([
    [['--lead-time', '1.5'], '--lead-time must be a whole number ≥ 0'],
    [['--review-period', '0'], '--review-period must be a whole number ≥ 1'],
    [['--service-level', '100'], '--service-level must be in (0, 1)'],
    [['--lead-time', '0', '--lead-time-sd', '1'], '--lead-time-sd needs --lead-time ≥ 1'],
    [['--color', 'red'], "Unknown option '--color'"],
  ])('rejects bad flags %j with exit code 2 and the reason', async (extra, message) => {
    const argv = [...flags('simulate-good.csv', 'out.csv'), ...extra];
    // A later flag wins in parseArgs, so the extra value replaces the default one.
    const { code, stderr } = await run(argv);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(await readdir(folder)).toEqual([]);
  });

  it('says which flag is missing', async () => {
    const { code, stderr } = await run(['--input', fixture('simulate-good.csv'), '--output', join(folder, 'out.csv')]);
    expect(code).toBe(2);
    expect(stderr).toContain('--lead-time is required');
  });
});
