import type { Knex } from 'knex';
import { acknowledgeException, countOpenExceptionsByKind, listExceptions, type DemandException, type ExceptionKind } from '../../db/repositories/exceptions';
import { NotFoundError } from '../errors';

export interface ExceptionPage {
  data: DemandException[];
  /** Id of the last row when the page is full (there may be more); null at the end. */
  lastId: number | null;
}

export interface ExceptionService {
  /** Unresolved exceptions, newest first: open ones, or acknowledged ones with `acknowledged`. */
  list(query: { kind?: ExceptionKind; locationId?: number; sku?: string; acknowledged?: boolean; afterId?: number; limit: number }): Promise<ExceptionPage>;
  /** A buyer has seen it: it leaves the open list (and the metric) but stays until the condition goes away. */
  acknowledge(id: number, actor: string): Promise<DemandException>;
  openByKind(): Promise<Record<ExceptionKind, number>>;
}

export function createExceptionService(db: Knex): ExceptionService {
  return {
    async list(query) {
      const data = await listExceptions(db, query);
      return { data, lastId: data.length === query.limit ? data[data.length - 1].id : null };
    },
    async acknowledge(id, actor) {
      const acknowledged = await acknowledgeException(db, id, actor);
      if (!acknowledged) throw new NotFoundError(`unresolved exception ${id}`);
      return acknowledged;
    },
    openByKind: () => countOpenExceptionsByKind(db),
  };
}
