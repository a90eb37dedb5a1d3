/**
 * replen forecast --input FILE --output FILE --horizon H --season-length M [--levels 80,95] [--method auto|…]
 * Reads series_id,period,value rows (src/cli/csv.ts), forecasts every series as the nightly forecast stage does
 * (cleanedForecast: outliers replaced before fitting, unless --no-clean; then autoForecast) and writes
 * series_id,step,mean,lo_<level>,hi_<level>…,method. The output appears only when every series succeeded: it is
 * written to a temporary file beside the target and renamed at the end.
 * Exit codes: 0 done; 2 bad flags, bad input (message on stderr, naming the line) or a file that cannot be read
 * or written; 1 anything unexpected.
 */
import { z } from 'zod';
import { parseCommandFlags, stringFlags } from './flags';
import { forecastMethods, type ForecastMethod } from '../../models/forecast/auto';
import { cleanedForecast } from '../../models/forecast/cleaned-forecast';
import { csvField } from '../csv-field';
import { csvNumber, isInputError, readSeriesCsv, SeriesError, writeLinesAtomically, type SeriesHistory } from './csv';

export const forecastUsage =
  'usage: replen forecast --input FILE --output FILE --horizon H --season-length M [--levels 80,95] [--method auto|ets|theta|arima|croston|sba|tsb|adida|snaive|naive|mean|drift|combo] [--no-clean]';

const positiveInteger = (flag: string) =>
  z
    .string({ error: `${flag} is required` })
    .regex(/^\d+$/, `${flag} must be a positive integer`)
    .transform(Number)
    .refine((n) => n >= 1, `${flag} must be a positive integer`);

const flagsSchema = z.object({
  input: z.string({ error: '--input is required' }).min(1, '--input is required'),
  output: z.string({ error: '--output is required' }).min(1, '--output is required'),
  horizon: positiveInteger('--horizon'),
  'season-length': positiveInteger('--season-length'),
  levels: z
    .string()
    .default('80,95')
    .transform((text) => text.split(',').map((part) => part.trim()))
    .refine((parts) => parts.every((part) => /^\d+(\.\d+)?$/.test(part) && Number(part) > 0 && Number(part) < 100), {
      message: '--levels must be comma-separated percentages between 0 and 100, e.g. 80,95',
    })
    .transform((parts) => parts.map(Number))
    .refine((levels) => new Set(levels).size === levels.length, '--levels must not repeat a level'),
  method: z.enum(forecastMethods as [ForecastMethod, ...ForecastMethod[]], {
    error: `--method must be one of ${forecastMethods.join(', ')}`,
  }).default('auto'),
  'no-clean': z.boolean().default(false),
});

const parseFlags = (argv: string[]): z.infer<typeof flagsSchema> =>
  parseCommandFlags(argv, { ...stringFlags(['input', 'output', 'horizon', 'season-length', 'levels', 'method']), 'no-clean': { type: 'boolean' } }, flagsSchema);

/** Runs the forecast command; resolves to the process exit code. */
export async function runForecastCommand(argv: string[]): Promise<number> {
  let flags: z.infer<typeof flagsSchema>;
  try {
    flags = parseFlags(argv);
  } catch (error) {
    process.stderr.write(`replen forecast: ${(error as Error).message}\n${forecastUsage}\n`);
    return 2;
  }
  try {
    const series = await readSeriesCsv(flags.input);
    const bounds = flags.levels.flatMap((level) => [`lo_${level}`, `hi_${level}`]);
    await writeLinesAtomically(flags.output, [['series_id', 'step', 'mean', ...bounds, 'method'].join(','), ...forecastLines(series, flags)]);
    process.stdout.write(`replen forecast: ${series.length} series × ${flags.horizon} steps written to ${flags.output}\n`);
    return 0;
  } catch (error) {
    const known = isInputError(error);
    process.stderr.write(`replen forecast: ${known ? '' : 'unexpected error: '}${(error as Error).message}\n`);
    return known ? 2 : 1;
  }
}

/** One output line per series and step, computed as the file is written. */
function* forecastLines(series: SeriesHistory[], flags: z.infer<typeof flagsSchema>): Generator<string> {
  for (const { id, values } of series) {
    let forecast;
    try {
      forecast = cleanedForecast(values, {
        seasonLength: flags['season-length'],
        horizon: flags.horizon,
        levels: flags.levels,
        method: flags.method,
        clean: !flags['no-clean'],
      });
    } catch (error) {
      throw new SeriesError(`series '${id}': ${(error as Error).message}`);
    }
    for (const [step, mean] of forecast.mean.entries()) {
      const intervals = flags.levels.flatMap((_, i) => [csvNumber(forecast.lower[i][step]), csvNumber(forecast.upper[i][step])]);
      yield [csvField(id), String(step + 1), csvNumber(mean), ...intervals, csvField(forecast.method)].join(',');
    }
  }
}


