import type { Request, Response } from 'express';
import writeXlsxFile, { type Row } from 'write-excel-file/node';
import { csvRow, inertText } from '../csv-field';

/**
 * Lists as spreadsheets for buyers to take to a meeting: CSV (RFC 4180) or XLSX, one header row of column names and
 * one row per record. Text that a spreadsheet would run as a formula (a leading = + - @, tab or carriage return) gets
 * a leading apostrophe in both, so a cell never computes anything, even after the file is saved again as CSV.
 */

export interface SheetColumn<T> {
  name: string;
  value: (row: T) => string | number | null;
}

export { csvRow };

export type ExportFormat = 'json' | 'csv' | 'xlsx';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function csvText<T>(columns: Array<SheetColumn<T>>, rows: T[]): string {
  return csvRow(columns.map((column) => column.name)) + rows.map((row) => csvRow(columns.map((column) => column.value(row)))).join('');
}

/** The workbook: one sheet, the header row bold and frozen, text as text cells (never formulas), numbers as numbers. */
export async function xlsxBuffer<T>(columns: Array<SheetColumn<T>>, rows: T[], sheet: string): Promise<Buffer> {
  const header: Row = columns.map((column) => ({ value: column.name, fontWeight: 'bold' }));
  const data: Row[] = rows.map((row) =>
    columns.map((column) => {
      const value = column.value(row);
      if (value === null) return null;
      return typeof value === 'number' ? { value, type: Number } : { value: inertText(value), type: String };
    }),
  );
  return writeXlsxFile([header, ...data], { sheet: sheet.slice(0, 31), stickyRowsCount: 1 }).toBuffer();
}

/** What the caller asked for: ?format= first, else Accept (JSON unless it names CSV or XLSX before JSON). */
export function exportFormat(req: Request, format: ExportFormat | undefined): ExportFormat {
  if (format) return format;
  const accepted = req.accepts(['application/json', 'text/csv', XLSX_TYPE]);
  return accepted === 'text/csv' ? 'csv' : accepted === XLSX_TYPE ? 'xlsx' : 'json';
}

/** Sends rows as a CSV or XLSX download named `filename` (without extension). */
export async function sendSpreadsheet<T>(res: Response, format: 'csv' | 'xlsx', filename: string, columns: Array<SheetColumn<T>>, rows: T[]): Promise<void> {
  res.vary('Accept').setHeader('Content-Disposition', `attachment; filename="${filename.replace(/[^\w.-]+/g, '-')}.${format}"`);
  if (format === 'csv') res.type('text/csv').send(csvText(columns, rows));
  else res.type(XLSX_TYPE).send(await xlsxBuffer(columns, rows, filename));
}
