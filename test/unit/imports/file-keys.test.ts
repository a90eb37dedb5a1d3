import { FileKeys, KeyTable } from '../../../src/services/imports/file-keys';
import type { StagedRow } from '../../../src/services/imports/kinds';

describe('KeyTable', () => {
  it('answers the first row of every key among 100,000, through many growths of its arena and slots', () => {
    const table = new KeyTable();
    const key = (index: number) => `SKU-${index % 1000}\tDC${index % 3}\t${index}`;
    const added = Array.from({ length: 100_000 }, (_, index) => table.firstRow(key(index), index + 2));
    expect(added.every((row) => row === undefined)).toBe(true);
    const found = Array.from({ length: 100_000 }, (_, index) => table.firstRow(key(index), 999_999));
    expect(found.every((row, index) => row === index + 2)).toBe(true);
    // A key that is a prefix of another, or differs in its last byte only, is another key.
    expect(table.firstRow('SKU-1\tDC1\t1', 5)).toBe(3);
    expect(table.firstRow('SKU-1\tDC1\t', 5)).toBeUndefined();
    expect(table.firstRow('SKU-1\tDC1\t2', 6)).toBeUndefined();
  });

  it('compares keys by their characters, not their length in UTF-16', () => {
    const table = new KeyTable();
    expect(table.firstRow('Ölfilter', 2)).toBeUndefined();
    expect(table.firstRow('Olfilter', 3)).toBeUndefined();
    expect(table.firstRow('Ölfilter', 4)).toBe(2);
    expect(table.firstRow('', 5)).toBeUndefined();
    expect(table.firstRow('', 6)).toBe(5);
  });
});

describe('FileKeys', () => {
  const staged = (table: StagedRow['table'], row: number, values: Record<string, unknown>): StagedRow => ({ table, row, group: String(row), values, field: (name) => name });

  it('answers the first row of a key seen before, per table and columns', () => {
    const keys = new FileKeys();
    expect(keys.earlierRow(staged('items', 2, {}), ['externalId'], ['A'], false)).toBeUndefined();
    expect(keys.earlierRow(staged('items', 2, {}), ['sku'], ['A'], false)).toBeUndefined();
    expect(keys.earlierRow(staged('suppliers', 3, {}), ['externalId'], ['A'], false)).toBeUndefined();
    expect(keys.earlierRow(staged('items', 9, {}), ['sku'], ['A'], false)).toBe(2);
    expect(keys.earlierRow(staged('suppliers', 9, {}), ['externalId'], ['A'], false)).toBe(3);
  });

  it('lets an order header repeat with the same values, not with others', () => {
    const keys = new FileKeys();
    const header = (row: number, location: string) => staged('purchase_orders', row, { externalId: 'PO-1', location });
    expect(keys.earlierRow(header(2, 'DC1'), ['externalId'], ['PO-1'], true)).toBeUndefined();
    expect(keys.earlierRow(header(5, 'DC1'), ['externalId'], ['PO-1'], true)).toBeUndefined();
    expect(keys.earlierRow(header(7, 'DC2'), ['externalId'], ['PO-1'], true)).toBe(2);
  });
});
