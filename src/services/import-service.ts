import type { Knex } from 'knex';
import {
  existingCategories,
  existingKeys,
  type ImportTable,
  itemsBySku,
  purchaseOrderOfLines,
  stageAndUpsert,
  stagingColumns,
  supplierItemsByPair,
  type UpsertCounts,
} from '../../db/repositories/imports';
import { type BatchKey, earlierFileKeys } from '../../db/repositories/file-keys';
import { AppError } from '../errors';
import { type Format, importKinds, type ImportKind, type ImportKindName, type StagedRow, toCamel, toSnake } from './imports/kinds';
import { parseRecords, type SourceRecord, tooManyRows } from './imports/parse';
import type { ReceiptAllocationService } from './receipt-allocation-service';

export interface ImportError {
  row: number;
  field: string;
  reason: string;
}

export type ImportResult = { [table in ImportTable]?: UpsertCounts } & { errors: ImportError[] };

/**
 * A request body to parse, or CSV records already parsed (a batch of a large file, rows numbered in the file), which
 * must number at most `maxRows`.
 */
export type ImportInput = ({ format: Format; body: unknown } | { format: 'csv'; records: SourceRecord[] }) & {
  partial: boolean;
  trx?: Knex.Transaction;
  /**
   * The batch is one of a file whose keys `trx` keeps (createFileKeys): a key repeated from an earlier batch is
   * flagged; the batch's keys are added.
   */
  fileKeys?: boolean;
  /** Check only, write nothing (the rest of a file already rejected, so that its error lists every bad row). */
  validateOnly?: boolean;
};

export interface ImportService {
  /** The most rows one batch may have. */
  readonly maxRows: number;
  /**
   * Validates a batch (rows, then references against the database) and upserts it in one transaction. Any bad row
   * rejects the whole batch (422, nothing applied) unless `partial`, which commits the good rows and returns the bad.
   * With `trx` the batch runs inside the caller's transaction (a pull commits a page with its cursor) and a rejection
   * throws there, leaving the rollback to the caller.
   */
  importRecords(kind: ImportKindName, input: ImportInput): Promise<ImportResult>;
}

export const DEFAULT_MAX_IMPORT_ROWS = 50_000;

/** The natural keys that must be unique within one batch, per table. */
const batchKeys: Record<ImportTable, string[][]> = {
  items: [['externalId'], ['sku']],
  suppliers: [['externalId']],
  supplier_items: [['externalId'], ['supplier', 'sku']],
  demand_events: [['externalId']],
  daily_sales: [['sku', 'location', 'salesDate']],
  on_hand_snapshots: [['sku', 'location', 'snapshotDate']],
  purchase_orders: [['externalId']],
  purchase_order_lines: [['externalId']],
  receipts: [['externalId']],
  sales_orders: [['externalId']],
  sales_order_lines: [['externalId']],
};
/** Order headers repeat on every CSV line of the order: identical repeats are one header, differing ones an error. */
const repeatableHeaders = new Set<ImportTable>(['purchase_orders', 'sales_orders']);
/** Dates of things that happened: they cannot be after today. */
const pastDateFields = ['salesDate', 'snapshotDate', 'receivedDate'];

export function createImportService(deps: {
  db: Knex;
  now?: () => Date;
  maxRows?: number;
  /** Allocates imported receipts to the backordered lines waiting for them, in the import's transaction. */
  receipts?: Pick<ReceiptAllocationService, 'allocateImported'>;
  /** Called once an import that may have written webhook events committed (a receipt allocated): starts their delivery. */
  onEventsWritten?: () => void;
}): ImportService {
  const { db, now = () => new Date(), maxRows = DEFAULT_MAX_IMPORT_ROWS } = deps;

  return {
    maxRows,
    async importRecords(kindName, input) {
      const { format, partial, trx: outer } = input;
      const kind: ImportKind = importKinds[kindName];
      const fieldName = (name: string) => (format === 'json' ? name : toSnake(kind.csvColumn?.(name) ?? name));
      const errors: ImportError[] = [];
      const rejectedGroups = new Set<string>();
      const fail = (staged: StagedRow, name: string, reason: string) => {
        errors.push({ row: staged.row, field: fieldName(staged.field(name)), reason });
        rejectedGroups.add(staged.group);
      };

      let staged: StagedRow[] = [];
      const records = 'records' in input ? input.records : parseRecords(format, input.body, maxRows);
      if (records.length > maxRows) throw tooManyRows(maxRows);
      for (const { row, data } of records) {
        const parsed = kind.schema.safeParse(format === 'csv' && kind.fromCsv ? kind.fromCsv(data as Record<string, unknown>) : data);
        if (parsed.success) {
          staged.push(...kind.flatten(parsed.data as never, row, format));
          continue;
        }
        for (const issue of parsed.error.issues) {
          const path = issue.path.join('.') || ('keys' in issue ? (issue.keys as string[]).join(',') : '');
          errors.push({ row, field: fieldName(path), reason: issue.message });
        }
        // An order with one unreadable line is dropped whole in partial mode, like an order with a bad reference.
        const externalId = (data as { externalId?: unknown } | null)?.externalId;
        if (kind.fromCsv && typeof externalId === 'string') rejectedGroups.add(externalId);
      }

      staged = withoutRepeatedHeaders(staged, fail);
      const inTransaction = <T>(work: (trx: Knex.Transaction) => Promise<T>) => (outer ? work(outer) : db.transaction(work));
      let receiptsAllocated = 0;
      const result = await inTransaction(async (trx) => {
        if (input.fileKeys) staged = await withoutEarlierKeys(trx, staged, fail);
        const today = now().toISOString().slice(0, 10);
        for (const row of staged) {
          for (const name of pastDateFields) {
            const value = row.values[name];
            if (typeof value === 'string' && value > today) fail(row, name, `date ${value} is in the future (today is ${today} UTC)`);
          }
        }
        await checkReferences(trx, staged, fail);
        errors.sort((a, b) => a.row - b.row || a.field.localeCompare(b.field));
        if (errors.length > 0 && !partial) {
          throw new AppError(422, 'import_rejected', `${new Set(errors.map((error) => error.row)).size} rows rejected; nothing was imported`, errors);
        }
        if (input.validateOnly) return { errors };
        const good = staged.filter((row) => !rejectedGroups.has(row.group));
        const result: ImportResult = { errors };
        for (const table of kind.tables) {
          const rows = good
            .filter((row) => row.table === table)
            .map((row) => stagingColumns(table).map((column) => (row.values[toCamel(column)] ?? null) as string | number | boolean | null));
          result[table] = await stageAndUpsert(trx, table, rows);
        }
        if (deps.receipts && kind.tables.includes('receipts')) {
          const references = good.filter((row) => row.table === 'receipts').map((row) => row.values.externalId as string);
          receiptsAllocated = await deps.receipts.allocateImported(trx, references);
        }
        return result;
      });
      // In the caller's transaction (a pull) the events commit later: the scheduled sweep sends them.
      if (receiptsAllocated > 0 && !outer) deps.onEventsWritten?.();
      return result;
    },
  };
}

/** Flags keys repeated inside the batch; drops identical repeats of an order header (CSV: one line per row). */
function withoutRepeatedHeaders(staged: StagedRow[], fail: (row: StagedRow, name: string, reason: string) => void): StagedRow[] {
  const seen = new Map<string, StagedRow>();
  return staged.filter((row) => {
    for (const key of batchKeys[row.table]) {
      const values = key.map((name) => String(row.values[name]));
      const id = [row.table, ...key, ...values].join('\t');
      const first = seen.get(id);
      if (!first) {
        seen.set(id, row);
        continue;
      }
      if (repeatableHeaders.has(row.table) && JSON.stringify(first.values) === JSON.stringify(row.values)) return false;
      fail(row, key[key.length - 1], `duplicate key ${values.join(' / ')} in this batch (first on row ${first.row})`);
      return false;
    }
    return true;
  });
}

/**
 * Flags keys first seen in an earlier batch of the file (the rows left by withoutRepeatedHeaders, each the first of its
 * keys in the batch), an unchanged repeat of an order header excepted, and adds the batch's keys to the file's.
 */
async function withoutEarlierKeys(trx: Knex.Transaction, staged: StagedRow[], fail: (row: StagedRow, name: string, reason: string) => void): Promise<StagedRow[]> {
  const valuesOf = (row: StagedRow, columns: string[]) => columns.map((name) => String(row.values[name]));
  function* keys(): Generator<BatchKey> {
    for (const [record, row] of staged.entries()) {
      const header = repeatableHeaders.has(row.table) ? JSON.stringify(row.values) : undefined;
      for (const [position, columns] of batchKeys[row.table].entries()) {
        yield { record, position, key: JSON.stringify([row.table, position, ...valuesOf(row, columns)]), row: row.row, header };
      }
    }
  }
  const flagged = new Set<number>();
  for (const { record, position, firstRow } of await earlierFileKeys(trx, keys())) {
    if (flagged.has(record)) continue;
    const row = staged[record];
    const columns = batchKeys[row.table][position];
    fail(row, columns[columns.length - 1], `duplicate key ${valuesOf(row, columns).join(' / ')} in this file (first on row ${firstRow})`);
    flagged.add(record);
  }
  return flagged.size === 0 ? staged : staged.filter((_, record) => !flagged.has(record));
}

const distinct = (values: unknown[]) => [...new Set(values.filter((value): value is string => typeof value === 'string'))];

/** Set-based checks against the database: one query per kind of reference for the whole batch. */
async function checkReferences(trx: Knex.Transaction, staged: StagedRow[], fail: (row: StagedRow, name: string, reason: string) => void) {
  const referencing = staged.filter((row) => row.table !== 'items');
  // One after another: a transaction is one connection, and node-postgres deprecates overlapping queries on it.
  const items = await itemsBySku(trx, distinct(referencing.map((row) => row.values.sku)));
  const locations = await existingKeys(trx, 'locations', 'code', distinct(staged.map((row) => row.values.location)));
  const suppliers = await existingKeys(trx, 'suppliers', 'external_id', distinct(staged.map((row) => row.values.supplier)));
  for (const row of referencing) {
    const { sku, unit, location, supplier } = row.values as Record<string, string | undefined>;
    if (sku !== undefined) {
      const item = items.get(sku);
      if (!item) fail(row, 'sku', `unknown SKU ${sku}`);
      else if (unit !== undefined && unit !== item.unitOfMeasure) {
        fail(row, 'unit', `unit ${unit} differs from the unit of measure ${item.unitOfMeasure} of SKU ${sku}`);
      }
    }
    if (location !== undefined && !locations.has(location)) fail(row, 'location', `unknown location ${location}`);
    if (supplier !== undefined && !suppliers.has(supplier)) fail(row, 'supplier', `unknown supplier ${supplier}`);
  }

  const eventRows = staged.filter((row) => row.table === 'demand_events');
  const categories = await existingCategories(trx, distinct(eventRows.map((row) => row.values.category)));
  for (const row of eventRows) {
    const category = row.values.category as string | undefined;
    if (category !== undefined && !categories.has(category)) fail(row, 'category', `unknown category ${category}: no item has it`);
  }

  const itemRows = staged.filter((row) => row.table === 'items');
  const batchSkus = new Set(itemRows.map((row) => row.values.sku));
  const existingItems = await itemsBySku(trx, distinct([...itemRows.map((row) => row.values.sku), ...itemRows.map((row) => row.values.likeSku)]));
  for (const row of itemRows) {
    const owner = existingItems.get(row.values.sku as string)?.externalId;
    if (owner !== undefined && owner !== row.values.externalId) fail(row, 'sku', `SKU ${row.values.sku} already belongs to item ${owner}`);
    const likeSku = row.values.likeSku as string | undefined;
    if (likeSku === row.values.sku) fail(row, 'likeSku', 'an item cannot be like itself');
    else if (likeSku !== undefined && !batchSkus.has(likeSku) && !existingItems.has(likeSku)) fail(row, 'likeSku', `unknown SKU ${likeSku}`);
  }

  const offers = staged.filter((row) => row.table === 'supplier_items');
  const offered = await supplierItemsByPair(trx, offers.map((row) => [row.values.supplier as string, row.values.sku as string]));
  for (const row of offers) {
    const owner = offered.get(`${row.values.supplier}\t${row.values.sku}`);
    if (owner !== undefined && owner !== row.values.externalId) {
      fail(row, 'sku', `supplier ${row.values.supplier} already offers SKU ${row.values.sku} as supplier item ${owner}`);
    }
  }

  // Receipts nested in a posted purchase order reference lines of the same batch; standalone ones need stored lines.
  const batchLines = new Set(staged.filter((row) => row.table === 'purchase_order_lines').map((row) => row.values.externalId));
  const receipts = staged.filter((row) => row.table === 'receipts' && !batchLines.has(row.values.purchaseOrderLine));
  const lineOrders = await purchaseOrderOfLines(trx, distinct(receipts.map((row) => row.values.purchaseOrderLine)));
  const orders = await existingKeys(trx, 'purchase_orders', 'external_id', distinct(receipts.map((row) => row.values.purchaseOrder)));
  for (const row of receipts) {
    const { purchaseOrder, purchaseOrderLine } = row.values as Record<string, string>;
    const lineOrder = lineOrders.get(purchaseOrderLine);
    if (!orders.has(purchaseOrder)) fail(row, 'purchaseOrder', `unknown purchase order ${purchaseOrder}`);
    else if (lineOrder === undefined) fail(row, 'purchaseOrderLine', `unknown line ${purchaseOrderLine} on purchase order ${purchaseOrder}`);
    else if (lineOrder !== purchaseOrder) {
      fail(row, 'purchaseOrderLine', `line ${purchaseOrderLine} belongs to purchase order ${lineOrder}, not ${purchaseOrder}`);
    }
  }
}
