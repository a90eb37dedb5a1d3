import { createHash } from 'node:crypto';
import type { StagedRow } from './kinds';

/**
 * The natural keys seen in the batches of one file read in batches (the CSV folder connector), so that a key repeated
 * in a later batch is flagged like one repeated within a batch. Only the keys are held, with the row each was first
 * on, never the rows.
 */
export class FileKeys {
  /** Key (a short code for its table and columns, then its values) → the row it was first on. */
  private readonly firstRows = new KeyTable();
  /** Order headers repeat on every line of the order: key and a digest of the first one's values, to tell a same repeat. */
  private readonly headers = new KeyTable();
  private readonly codes = new Map<string, string>();

  /**
   * The row the file had this key on first, when that was in an earlier batch and is no identical repeat of an order
   * header; otherwise undefined, and a key new to the file is recorded. Call it only for a key's first row in a batch:
   * a key recorded in this batch then never counts as an earlier batch's.
   */
  earlierRow(row: StagedRow, key: string[], values: string[], repeatableHeader: boolean): number | undefined {
    const name = `${row.table}\t${key.join('\t')}`;
    let code = this.codes.get(name);
    if (code === undefined) this.codes.set(name, (code = String(this.codes.size)));
    const id = [code, ...values].join('\t');
    const first = this.firstRows.firstRow(id, row.row);
    if (!repeatableHeader) return first;
    const same = this.headers.firstRow(`${id}\t${createHash('sha1').update(JSON.stringify(row.values)).digest('base64')}`, row.row);
    return same === undefined ? first : undefined;
  }
}

/** The arena is allocated in pages of this many bytes: growing it copies nothing and wastes at most part of one page. */
const PAGE_BITS = 20;
const PAGE_SIZE = 1 << PAGE_BITS;

/**
 * A string → row number table for millions of keys: an open-addressing hash table over an arena of UTF-8 bytes,
 * about 45 bytes a key (a million daily-sales keys: 43 MB, where a Map of strings takes 70 MB of heap), kept in
 * buffers outside the V8 heap, so a big file's keys do not crowd out its batches under a heap limit. An entry: row,
 * length (uint32 each), the key's bytes.
 */
export class KeyTable {
  private readonly pages: Buffer[] = [];
  /** Bytes used in the last page. */
  private used = PAGE_SIZE;
  /** 1 + the arena offset of the entry in each slot; 0: free. Never more than half full. */
  private slots = new Uint32Array(1 << 12);
  private size = 0;
  private scratch = Buffer.allocUnsafe(1024);

  /** The row the key was recorded with; undefined when it is new, and it is recorded now with `row`. */
  firstRow(key: string, row: number): number | undefined {
    if (key.length * 3 > this.scratch.length) this.scratch = Buffer.allocUnsafe(key.length * 3);
    const length = this.scratch.write(key);
    const mask = this.slots.length - 1;
    let slot = hash(this.scratch, 0, length) & mask;
    for (let entry = this.slots[slot]; entry !== 0; slot = (slot + 1) & mask, entry = this.slots[slot]) {
      const page = this.pages[(entry - 1) >>> PAGE_BITS];
      const at = (entry - 1) & (PAGE_SIZE - 1);
      if (page.readUInt32LE(at + 4) === length && page.compare(this.scratch, 0, length, at + 8, at + 8 + length) === 0) return page.readUInt32LE(at);
    }
    this.slots[slot] = this.append(length, row) + 1;
    if (++this.size * 2 > this.slots.length) this.rehash();
    return undefined;
  }

  /** Stores the key in the scratch buffer with its row; returns its offset in the arena. */
  private append(length: number, row: number): number {
    if (this.used + 8 + length > PAGE_SIZE) {
      if (8 + length > PAGE_SIZE) throw new RangeError(`a key of ${length} bytes is too long`);
      this.pages.push(Buffer.allocUnsafe(PAGE_SIZE));
      this.used = 0;
    }
    const page = this.pages[this.pages.length - 1];
    const at = this.used;
    page.writeUInt32LE(row, at);
    page.writeUInt32LE(length, at + 4);
    this.scratch.copy(page, at + 8, 0, length);
    this.used = at + 8 + length;
    return (this.pages.length - 1) * PAGE_SIZE + at;
  }

  private rehash(): void {
    const slots = new Uint32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (const entry of this.slots) {
      if (entry === 0) continue;
      const page = this.pages[(entry - 1) >>> PAGE_BITS];
      const at = (entry - 1) & (PAGE_SIZE - 1);
      let slot = hash(page, at + 8, at + 8 + page.readUInt32LE(at + 4)) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = entry;
    }
    this.slots = slots;
  }
}

/** FNV-1a, 32 bits. */
function hash(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h >>> 0;
}
