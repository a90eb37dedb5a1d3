import type { Knex } from 'knex';
import { addDays } from '../../db/dates';
import {
  type ForecastOverride,
  getOverride,
  insertAudit,
  insertOverride,
  latestForecastWeeks,
  listOverrides,
  type OverrideAuditEntry,
  type OverrideFields,
  overriddenWeeksWithActuals,
  overrideAudit,
  plannedPair,
  writeOverride,
} from '../../db/repositories/overrides';
import { forecastValueAdded, overriddenWeek, type ValueAdded } from '../../models/forecast/value-added';
import { AppError, ConflictError, NotFoundError } from '../errors';

export interface CreateOverride extends Omit<OverrideFields, 'note' | 'expiresOn'> {
  sku: string;
  location: string;
  note?: string;
  /** Default: the end date. */
  expiresOn?: string;
}

export interface ForecastValueAddedReport {
  /** Complete overridden weeks compared (each override × week whose demand is known). */
  weeks: number;
  byBuyer: ValueAdded[];
  byReason: ValueAdded[];
}

export interface OverrideService {
  create(input: CreateOverride, actor: string): Promise<ForecastOverride>;
  /** Changes some fields; `version`, when given, must be the override's current one (else 409). */
  update(id: number, changes: Partial<OverrideFields>, actor: string, version?: number): Promise<ForecastOverride>;
  cancel(id: number, actor: string): Promise<ForecastOverride>;
  get(id: number): Promise<ForecastOverride & { audit: OverrideAuditEntry[] }>;
  list(query: { sku?: string; location?: string; active?: boolean; limit: number; beforeId?: number }): Promise<ForecastOverride[]>;
  /** Was the override closer to the demand than the statistical forecast? MAE and MAPE of both, per buyer and per reason. */
  valueAdded(): Promise<ForecastValueAddedReport>;
}

const unprocessable = (code: string, message: string) => new AppError(422, code, message);

/** The latest run's weekly forecast of the weeks an override covers, and what it plans instead. */
async function coveredForecast(db: Knex.Transaction, override: ForecastOverride): Promise<OverrideAuditEntry['forecast']> {
  // Weeks start on Mondays: the first one overlapping the range starts up to 6 days before it.
  const weeks = await latestForecastWeeks(db, override, { from: addDays(override.startDate, -6), to: override.endDate });
  return weeks.map(({ periodStart, mean }) => ({ periodStart, statistical: mean, planned: overriddenWeek(mean, override) }));
}

function checkFields(fields: OverrideFields, today: string): void {
  if (fields.endDate < fields.startDate) throw unprocessable('invalid_override', `end date ${fields.endDate} is before start date ${fields.startDate}`);
  if (fields.expiresOn < today) throw unprocessable('invalid_override', `expiry ${fields.expiresOn} is in the past (today is ${today} UTC)`);
}

/** Buyers' forecast overrides, each change audited in the transaction that makes it. */
export function createOverrideService(deps: { db: Knex; now?: () => Date }): OverrideService {
  const { db } = deps;
  const today = () => (deps.now ?? (() => new Date()))().toISOString().slice(0, 10);

  async function change(id: number, actor: string, work: (current: ForecastOverride) => { fields: OverrideFields; cancel: boolean }, version?: number) {
    return db.transaction(async (trx) => {
      const current = await getOverride(trx, id, { forUpdate: true });
      if (!current) throw new NotFoundError(`forecast override ${id}`);
      if (current.cancelledAt) throw new ConflictError(`forecast override ${id} was cancelled by ${current.cancelledBy}`);
      if (version !== undefined && version !== current.version) throw new ConflictError(`forecast override ${id} is at version ${current.version}, not ${version}`);
      const { fields, cancel } = work(current);
      if (!cancel) checkFields(fields, today());
      const after = await writeOverride(trx, id, fields, cancel ? actor : undefined);
      await insertAudit(trx, { overrideId: id, action: cancel ? 'cancelled' : 'updated', actor, before: current, after, forecast: await coveredForecast(trx, after) });
      return after;
    });
  }

  return {
    async create(input, actor) {
      const { sku, location, ...rest } = input;
      const fields: OverrideFields = { ...rest, note: rest.note ?? '', expiresOn: rest.expiresOn ?? rest.endDate };
      checkFields(fields, today());
      return db.transaction(async (trx) => {
        const pair = await plannedPair(trx, sku, location);
        if (!pair) throw unprocessable('unknown_pair', `SKU ${sku} is not planned at location ${location} (unknown SKU or location, or no sales or stock there)`);
        const created = await insertOverride(trx, pair, fields, actor);
        await insertAudit(trx, { overrideId: created.id, action: 'created', actor, before: null, after: created, forecast: await coveredForecast(trx, created) });
        return created;
      });
    },
    update: (id, changes, actor, version) => change(id, actor, (current) => ({ fields: { ...pick(current), ...changes }, cancel: false }), version),
    cancel: (id, actor) => change(id, actor, (current) => ({ fields: pick(current), cancel: true })),
    async get(id) {
      const found = await getOverride(db, id);
      if (!found) throw new NotFoundError(`forecast override ${id}`);
      return { ...found, audit: await overrideAudit(db, id) };
    },
    list: (query) => listOverrides(db, { sku: query.sku, locationCode: query.location, activeOn: query.active ? today() : undefined, limit: query.limit, beforeId: query.beforeId }),
    async valueAdded() {
      const weeks = await overriddenWeeksWithActuals(db, today());
      const compared = (group: (week: (typeof weeks)[number]) => string) =>
        forecastValueAdded(weeks.map((week) => ({ group: group(week), actual: week.actual, statistical: week.statistical, override: overriddenWeek(week.statistical, week) })));
      return { weeks: weeks.length, byBuyer: compared((week) => week.createdBy), byReason: compared((week) => week.reason) };
    },
  };
}

const pick = ({ startDate, endDate, mode, value, reason, note, expiresOn }: ForecastOverride): OverrideFields => ({ startDate, endDate, mode, value, reason, note, expiresOn });
