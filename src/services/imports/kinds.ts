import { z } from 'zod';
import type { ImportTable } from '../../../db/repositories/imports';

/** One row bound for a table, with where it came from so that any later check can name the row and field. */
export interface StagedRow {
  table: ImportTable;
  /** 1-based: the array index for JSON, the line number for CSV. */
  row: number;
  /** Rows of one group are kept or dropped together in partial mode (a purchase order with its lines). */
  group: string;
  /** Values under the camelCase names of the table's staging columns, plus an optional stated `unit`. */
  values: Record<string, unknown>;
  /** The name a value had in the request, e.g. 'lines.2.sku' (JSON) or 'line_external_id' (CSV). */
  field: (name: string) => string;
}

export type Format = 'json' | 'csv';

export interface ImportKind {
  tables: ImportTable[];
  /** The record as posted in JSON; CSV rows are mapped onto it by `fromCsv` first. */
  schema: z.ZodType;
  /** A CSV row (camelCase column names) to the JSON shape; absent when they are the same. */
  fromCsv?: (row: Record<string, unknown>) => Record<string, unknown>;
  /** CSV column of a value whose JSON name differs, e.g. a line's externalId is the column line_external_id. */
  csvColumn?: (name: string) => string;
  /** `record` is the schema's output; each kind names its own type, hence `never` here. */
  flatten(record: never, row: number, format: Format): StagedRow[];
}

export const toSnake = (name: string) => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
export const toCamel = (name: string) => name.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());

/** A decimal number as text: digits with an optional sign, point and exponent; not hex, not blank, not Infinity. */
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

// CSV cells are strings; JSON may carry numbers and booleans or their strings. Both go through the same schema.
const numberFrom = (schema: z.ZodNumber) =>
  z.preprocess((value, context) => {
    if (typeof value !== 'string') return value;
    if (DECIMAL.test(value.trim())) return Number(value);
    context.addIssue({ code: 'custom', message: `expected a decimal number, got ${JSON.stringify(value)}`, input: value });
    return z.NEVER;
  }, schema);
const booleanWords: Record<string, boolean> = { true: true, t: true, yes: true, '1': true, false: false, f: false, no: false, '0': false };
const flag = z.preprocess((value) => (typeof value === 'string' ? (booleanWords[value.toLowerCase()] ?? value) : value), z.boolean());
const withoutNul = (schema: z.ZodString) => schema.refine((value) => !value.includes('\0'), 'must not contain a NUL character');
const text = withoutNul(z.string().trim().min(1, 'must not be empty').max(200));
/** A calendar date PostgreSQL holds: years 0001 to 9999 (there is no year 0000). Imports, queries and bodies alike. */
export const calendarDate = z.iso.date('expected a date YYYY-MM-DD').refine((value) => !value.startsWith('0000'), 'there is no year 0000: dates start at 0001-01-01');
/**
 * Bounds well inside the columns (quantities numeric(14,3), unit costs numeric(14,4), lead times integer) and the
 * planner's arithmetic on them (a year of demand at the largest quantity still fits a recommendation's quantity).
 */
export const MAX_QUANTITY = 1e9;
export const MAX_AMOUNT = 1e9;
const MAX_LEAD_TIME_DAYS = 3650;
const MAX_REVIEW_PERIOD_DAYS = 365;
const quantity = numberFrom(z.number().min(0, 'negative quantity').max(MAX_QUANTITY, `more than ${MAX_QUANTITY} units`));
const positiveQuantity = numberFrom(z.number().positive().max(MAX_QUANTITY, `more than ${MAX_QUANTITY} units`));
const money = numberFrom(z.number().min(0, 'negative amount').max(MAX_AMOUNT, `more than ${MAX_AMOUNT}`));
const status = z.enum(['open', 'closed', 'cancelled']);

const item = z.strictObject({
  externalId: text.optional(),
  sku: text,
  description: withoutNul(z.string().max(2000)).default(''),
  unitOfMeasure: text.default('EA'),
  unitCost: money.default(0),
  unitPrice: money.default(0),
  active: flag.default(true),
  /** Events on a category apply to its items; a new item without a like SKU is forecast from its category's profile. */
  category: text.optional(),
  /** An item whose history a new item is forecast from until its own takes over. */
  likeSku: text.optional(),
});

const supplier = z.strictObject({
  externalId: text,
  name: text,
  currency: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code such as USD').default('USD'),
  minOrderValue: money.default(0),
  reviewPeriodDays: numberFrom(z.number().int().positive().max(MAX_REVIEW_PERIOD_DAYS, `more than ${MAX_REVIEW_PERIOD_DAYS} days`)).default(7),
  orderCost: money.default(0),
  active: flag.default(true),
});

const supplierItem = z.strictObject({
  externalId: text,
  supplier: text,
  sku: text,
  supplierSku: text.optional(),
  unitCost: money,
  moq: positiveQuantity.default(1),
  orderMultiple: positiveQuantity.default(1),
  promisedLeadTimeDays: numberFrom(z.number().int().min(0, 'negative lead time').max(MAX_LEAD_TIME_DAYS, `more than ${MAX_LEAD_TIME_DAYS} days`)),
  priority: numberFrom(z.number().int().min(1).max(1_000_000)).default(1),
  /** The most one order may hold (a truck, a production batch); the plan orders the largest multiple within it. */
  maxOrderQuantity: positiveQuantity.optional(),
  unit: text.optional(),
}).superRefine((offer, context) => {
  if (offer.maxOrderQuantity === undefined) return;
  // The plan cuts an order to the largest multiple within the cap: there must be one at or above the MOQ.
  const largest = Math.floor(offer.maxOrderQuantity / offer.orderMultiple + 1e-9) * offer.orderMultiple;
  if (largest < offer.moq) {
    context.addIssue({
      code: 'custom',
      path: ['maxOrderQuantity'],
      message: `leaves no multiple of ${offer.orderMultiple} at or above the MOQ ${offer.moq}`,
    });
  }
});

const dailySale = z.strictObject({
  sku: text,
  location: text,
  salesDate: calendarDate,
  quantity,
  outOfStock: flag.default(false),
  unit: text.optional(),
});

const onHand = z.strictObject({ sku: text, location: text, snapshotDate: calendarDate, quantity, unit: text.optional() });

/** Bounds of an expected uplift (a share of extra demand: 0.3 = 30 % more), within demand_events.expected_uplift. */
export const MIN_UPLIFT = -1;
export const MAX_UPLIFT = 100;
const event = z
  .strictObject({
    externalId: text,
    sku: text.optional(),
    category: text.optional(),
    location: text.optional(),
    kind: z.string().trim().regex(/^[a-z][a-z0-9-]{0,39}$/, 'expected a lowercase word such as promotion or price-change'),
    startDate: calendarDate,
    endDate: calendarDate,
    expectedUplift: numberFrom(
      z.number().gt(MIN_UPLIFT, 'an uplift of -1 or less would leave no demand').max(MAX_UPLIFT, `an uplift above ${MAX_UPLIFT} (${MAX_UPLIFT * 100} % more)`),
    ).optional(),
  })
  .superRefine((record, context) => {
    if ((record.sku === undefined) === (record.category === undefined)) {
      context.addIssue({ code: 'custom', path: ['sku'], message: 'name either a sku or a category, not both or neither' });
    }
    if (record.endDate < record.startDate) {
      context.addIssue({ code: 'custom', path: ['endDate'], message: `end date ${record.endDate} is before start date ${record.startDate}` });
    }
  });

const receipt = z.strictObject({ externalId: text, receivedDate: calendarDate, quantity });
const standaloneReceipt = receipt.extend({ purchaseOrder: text, purchaseOrderLine: text });

const purchaseOrderLine = z.strictObject({
  externalId: text,
  sku: text,
  quantityOrdered: quantity,
  quantityReceived: quantity.default(0),
  promisedDate: calendarDate.optional(),
  unit: text.optional(),
  receipts: z.array(receipt).default([]),
});

const purchaseOrder = z.strictObject({
  externalId: text,
  supplier: text,
  location: text,
  orderDate: calendarDate,
  promisedDate: calendarDate.optional(),
  expectedDate: calendarDate.optional(),
  status: status.default('open'),
  lines: z.array(purchaseOrderLine).default([]),
});

const salesOrderLine = z.strictObject({
  externalId: text,
  sku: text,
  quantityOrdered: quantity,
  quantityShipped: quantity.default(0),
  quantityBackordered: quantity.default(0),
  promisedDate: calendarDate.optional(),
  eta: calendarDate.optional(),
  /** The day the line last shipped: a backorder's promise is scored against it (GET /backorders/accuracy). */
  shippedDate: calendarDate.optional(),
  unit: text.optional(),
});

const salesOrder = z.strictObject({
  externalId: text,
  customerRef: text,
  location: text,
  orderDate: calendarDate,
  promisedDate: calendarDate.optional(),
  status: status.default('open'),
  lines: z.array(salesOrderLine).default([]),
});

/**
 * The CSV row of an order is one line: header columns repeat, and these columns (camelCase) fill the line's fields;
 * line fields whose names clash with the order's are prefixed line_. The parser, error field names and the documented
 * columns (csvColumns) all read this one map.
 */
const lineColumns: Record<string, string> = {
  lineExternalId: 'externalId',
  linePromisedDate: 'promisedDate',
  sku: 'sku',
  quantityOrdered: 'quantityOrdered',
  quantityReceived: 'quantityReceived',
  quantityShipped: 'quantityShipped',
  quantityBackordered: 'quantityBackordered',
  eta: 'eta',
  shippedDate: 'shippedDate',
  unit: 'unit',
};
function orderFromCsv(row: Record<string, unknown>): Record<string, unknown> {
  const header: Record<string, unknown> = {};
  const line: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(row)) {
    if (Object.hasOwn(lineColumns, name)) line[lineColumns[name]] = value;
    else header[name] = value;
  }
  return { ...header, lines: [line] };
}
/** The CSV column of a value of an order read from CSV: 'lines.0.externalId' was line_external_id, 'lines.0.sku' was sku. */
function orderCsvColumn(name: string): string {
  if (!name.startsWith('lines.0.')) return name;
  const field = name.slice('lines.0.'.length);
  return Object.keys(lineColumns).find((column) => lineColumns[column] === field) ?? field;
}

const flat =
  (table: ImportTable) =>
  (record: Record<string, unknown>, row: number): StagedRow[] => [{ table, row, group: String(row), values: record, field: (name) => name }];

type PurchaseOrder = z.output<typeof purchaseOrder>;
type SalesOrder = z.output<typeof salesOrder>;

/** Every import: its tables, its record schema and how a record becomes rows of those tables. */
export const importKinds = {
  items: {
    tables: ['items'],
    schema: item,
    flatten: (record: z.output<typeof item>, row: number) => flat('items')({ ...record, externalId: record.externalId ?? record.sku }, row),
  },
  suppliers: { tables: ['suppliers'], schema: supplier, flatten: flat('suppliers') },
  'supplier-items': { tables: ['supplier_items'], schema: supplierItem, flatten: flat('supplier_items') },
  events: { tables: ['demand_events'], schema: event, flatten: flat('demand_events') },
  'daily-sales': { tables: ['daily_sales'], schema: dailySale, flatten: flat('daily_sales') },
  'on-hand': { tables: ['on_hand_snapshots'], schema: onHand, flatten: flat('on_hand_snapshots') },
  receipts: { tables: ['receipts'], schema: standaloneReceipt, flatten: flat('receipts') },
  'purchase-orders': {
    tables: ['purchase_orders', 'purchase_order_lines', 'receipts'],
    schema: purchaseOrder,
    fromCsv: orderFromCsv,
    csvColumn: orderCsvColumn,
    flatten({ lines, ...header }: PurchaseOrder, row: number, format: Format): StagedRow[] {
      const group = header.externalId;
      const rows: StagedRow[] = [{ table: 'purchase_orders', row, group, values: header, field: (name) => name }];
      lines.forEach(({ receipts, ...line }, index) => {
        const linePath = format === 'json' ? `lines.${index}.` : 'lines.0.';
        rows.push({ table: 'purchase_order_lines', row, group, values: { ...line, purchaseOrder: group }, field: (name) => linePath + name });
        receipts.forEach((receipt, receiptIndex) =>
          rows.push({
            table: 'receipts',
            row,
            group,
            values: { ...receipt, purchaseOrder: group, purchaseOrderLine: line.externalId },
            field: (name) => `${linePath}receipts.${receiptIndex}.${name}`,
          }),
        );
      });
      return rows;
    },
  },
  'sales-orders': {
    tables: ['sales_orders', 'sales_order_lines'],
    schema: salesOrder,
    fromCsv: orderFromCsv,
    csvColumn: orderCsvColumn,
    flatten({ lines, ...header }: SalesOrder, row: number, format: Format): StagedRow[] {
      const group = header.externalId;
      return [
        { table: 'sales_orders', row, group, values: header, field: (name) => name },
        ...lines.map((line, index): StagedRow => ({
          table: 'sales_order_lines',
          row,
          group,
          values: { ...line, salesOrder: group },
          field: (name) => (format === 'json' ? `lines.${index}.${name}` : `lines.0.${name}`),
        })),
      ];
    },
  },
} satisfies Record<string, ImportKind>;

export type ImportKindName = keyof typeof importKinds;

export interface CsvColumn {
  /** The header name, snake_case. */
  name: string;
  /** The JSON field it fills: 'sku', or 'lines.0.externalId' for an order's line. */
  field: string;
}

/**
 * The CSV columns of a kind, in the record's field order: its JSON fields in snake_case, and for an order the line
 * fields its CSV row carries (through lineColumns; receipts come by the receipts import).
 */
export function csvColumns(kind: ImportKindName): CsvColumn[] {
  const shape = (importKinds[kind].schema as z.ZodObject).shape;
  const columns = Object.keys(shape)
    .filter((field) => field !== 'lines')
    .map((field) => ({ name: toSnake(field), field }));
  if (!('fromCsv' in importKinds[kind])) return columns;
  const lineFields = Object.keys((shape.lines as z.ZodDefault<z.ZodArray<z.ZodObject>>).unwrap().element.shape);
  const line = lineFields
    .map((field) => ({ name: toSnake(orderCsvColumn(`lines.0.${field}`)), field: `lines.0.${field}` }))
    .filter(({ name }) => Object.hasOwn(lineColumns, toCamel(name)));
  return [...columns, ...line];
}
