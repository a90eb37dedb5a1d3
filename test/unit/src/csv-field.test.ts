import { parse } from 'csv-parse/sync';
import { csvField, csvRow, inertText } from '../../../src/csv-field';
import { csvText } from '../../../src/http/spreadsheet';

/**
 * The one CSV writer behind the recommendation, draft-order and cross-dock downloads (spreadsheet.ts), `replen
 * forecast`, `replen simulate` and `replen replay`: RFC 4180 (sections 2.5–2.7: a field holding a comma, a quote or a
 * line break is quoted, a quote inside doubled) and text a spreadsheet would run as a formula made inert (OWASP "CSV
 * injection": a leading =, +, -, @, tab or carriage return gets an apostrophe).
 */
describe('csvField', () => {
  it.each([
    ['plain text', 'WIDGET-01', 'WIDGET-01'],
    ['a comma', 'Bolt, M8', '"Bolt, M8"'],
    ['a quote', 'Pipe 3/4" brass', '"Pipe 3/4"" brass"'],
    ['only quotes', '""', '""""""'],
    ['a line feed', 'line one\nline two', '"line one\nline two"'],
    ['a CRLF', 'line one\r\nline two', '"line one\r\nline two"'],
    ['a comma, a quote and a line break together', 'a,"b"\nc', '"a,""b""\nc"'],
    ['the empty string', '', ''],
    ['spaces kept as they are', '  padded  ', '  padded  '],
    ['non-ASCII text', 'Schraube Ø8 – 10 €', 'Schraube Ø8 – 10 €'],
  ])('writes %s', (_case, value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it.each([
    ['=', '=HYPERLINK("http://evil.example","x")', `"'=HYPERLINK(""http://evil.example"",""x"")"`],
    ['+', '+1+1', "'+1+1"],
    ['-', '-2+3', "'-2+3"],
    ['@', '@SUM(A1:A2)', "'@SUM(A1:A2)"],
    ['a tab', '\t=1', "'\t=1"],
    ['a carriage return (then quoted for it)', '\r=1', `"'\r=1"`],
    ['= with a comma (made inert, then quoted)', '=1,2', `"'=1,2"`],
  ])('makes text starting with %s inert with a leading apostrophe', (_case, value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it('leaves a formula character that is not the first alone', () => {
    expect(csvField('A=B')).toBe('A=B');
    expect(csvField('2026-12-02')).toBe('2026-12-02');
    expect(csvField(' =1')).toBe(' =1');
  });

  it('writes numbers as they are: a negative number is a number, not a formula; text that looks like one is text', () => {
    expect(csvField(12)).toBe('12');
    expect(csvField(0)).toBe('0');
    expect(csvField(-2)).toBe('-2');
    expect(csvField(3.25)).toBe('3.25');
    expect(csvField(-0.5)).toBe('-0.5');
    expect(csvField(1234567.891)).toBe('1234567.891');
    // Text is always guarded, even when it reads as a number: the writer cannot know it is one.
    expect(csvField('-2')).toBe("'-2");
  });

  it('writes null and undefined as an empty field, booleans as true and false', () => {
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField(true)).toBe('true');
    expect(csvField(false)).toBe('false');
  });

  it('inertText guards the same characters, and only them (the XLSX cells use it)', () => {
    for (const lead of ['=', '+', '-', '@', '\t', '\r']) expect(inertText(`${lead}x`)).toBe(`'${lead}x`);
    for (const lead of ['a', '1', ' ', "'", '"', '#', '\n']) expect(inertText(`${lead}x`)).toBe(`${lead}x`);
  });
});

describe('csvRow and csvText', () => {
  it('joins fields with commas and ends each line with CRLF', () => {
    expect(csvRow(['a', 1, null, 'b,c'])).toBe('a,1,,"b,c"\r\n');
    expect(csvRow([])).toBe('\r\n');
  });

  it('a header and rows read back by an RFC 4180 parser (csv-parse) as the same fields, formulas as inert text', () => {
    const rows = [
      { sku: 'Bolt, M8', note: 'says "urgent"\nsecond line', quantity: 12, cost: -3.5, formula: '=1+1' },
      { sku: 'NUT-2', note: null, quantity: 0, cost: 0.125, formula: '@cmd' },
    ];
    const text = csvText(
      [
        { name: 'sku', value: (row: (typeof rows)[number]) => row.sku },
        { name: 'note', value: (row) => row.note },
        { name: 'quantity', value: (row) => row.quantity },
        { name: 'cost, €', value: (row) => row.cost },
        { name: 'formula', value: (row) => row.formula },
      ],
      rows,
    );
    expect(text.endsWith('\r\n')).toBe(true);
    expect(parse(text, { relax_column_count: false })).toEqual([
      ['sku', 'note', 'quantity', 'cost, €', 'formula'],
      ['Bolt, M8', 'says "urgent"\nsecond line', '12', '-3.5', "'=1+1"],
      ['NUT-2', '', '0', '0.125', "'@cmd"],
    ]);
  });
});
