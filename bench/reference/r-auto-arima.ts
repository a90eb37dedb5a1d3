/**
 * The rows bench/reference/auto-arima.R writes to bench/reference/r-auto-arima/<set>.jsonl (one per series:
 * forecast::auto.arima's choice, fit and forecasts), read by bench:arima and test/unit/arima.test.ts.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import type { SeasonalOrder } from '../../models/forecast/arima';

export interface AutoArimaRow {
  id: string;
  period: string;
  m: number;
  n: number;
  h: number;
  p: number;
  d: number;
  q: number;
  P: number;
  D: number;
  Q: number;
  /** A mean or a drift is in the model. */
  constant: boolean;
  drift: boolean;
  aicc: number;
  loglik: number;
  sigma2: number;
  /** R's coef() by name (ar1, ma1, sar1, sma1, intercept, drift …). */
  coef: Record<string, number>;
  mean: number[];
  lo80: number[];
  hi80: number[];
  lo95: number[];
  hi95: number[];
  /** MAE over the horizon / in-sample MAE of the seasonal naive (lag 1 for m = 1). */
  mase: number;
  /** Elapsed seconds of auto.arima and forecast. */
  secs: number;
}

export function readJsonLines<T>(file: string): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

/** R's rows for one set (m1, m3) as recorded so far. */
export function readAutoArimaRows(set: string): AutoArimaRow[] {
  return readJsonLines<AutoArimaRow>(join(__dirname, 'r-auto-arima', `${set}.jsonl`));
}

/** The same (p,d,q)(P,D,Q) and constant as R chose. */
export function sameChoice(order: SeasonalOrder, constant: boolean, row: AutoArimaRow): boolean {
  return (
    order.p === row.p && order.d === row.d && order.q === row.q && order.P === row.P && order.D === row.D && order.Q === row.Q && constant === row.constant
  );
}
