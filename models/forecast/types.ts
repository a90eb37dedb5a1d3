/**
 * The one result shape every forecasting model returns.
 * `lower[i]` and `upper[i]` are the prediction interval at `levels[i]` percent (e.g. 80, 95).
 * `fitted` has one value per observation: the one-step-ahead in-sample forecast,
 * NaN where the model has none yet (e.g. the first value of the naive method).
 */
export interface Forecast {
  method: string;
  mean: number[];
  levels: number[];
  lower: number[][];
  upper: number[][];
  fitted: number[];
}

/** A series and what is known about it: values in time order, and its seasonal period (1 = none). */
export interface SeriesInput {
  values: number[];
  seasonLength: number;
}
