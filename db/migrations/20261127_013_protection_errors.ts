import type { Knex } from 'knex';

/**
 * Per forecast fit, the summary of the forecast's errors over 1 … H periods (models/forecast/protection-errors), from
 * which the planner sizes safety stock over the protection interval: the horizons, and per horizon one row of the
 * root mean square and the error quantiles at 50 % … 99.5 % (a rows × 10 real array: 4-byte values for numbers kept
 * to 4 significant digits, about 450 bytes per series where jsonb took 1.5 kB). Null where no ETS model was fitted
 * (intermittent, short, new series).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`alter table forecast_fits
    add column protection_error_scale text check (protection_error_scale in ('relative', 'absolute')),
    add column protection_error_horizons smallint[],
    add column protection_errors real[]`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`alter table forecast_fits
    drop column protection_error_scale, drop column protection_error_horizons, drop column protection_errors`);
}
