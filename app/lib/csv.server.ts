/**
 * CSV that spreadsheets open correctly (RFC 4180): comma separated, CRLF line ends, fields
 * with a comma, quote, CR or LF in double quotes with quotes doubled, a UTF-8 byte-order mark
 * so Excel detects UTF-8. A text cell that starts with =, +, -, @, tab or CR is prefixed with
 * a single quote, so a spreadsheet never runs it as a formula (OWASP "CSV injection").
 *
 * `csvStream` writes rows as they come from an iterator, a batch per pull: the file is never
 * built in memory.
 */

export type CsvValue = string | number | boolean | null | undefined;

/** The UTF-8 byte-order mark, first in every file. */
export const BOM = "\uFEFF";
export const CRLF = "\r\n";

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One cell: numbers as plain decimals, booleans as yes/no, null as empty. */
export function csvField(value: CsvValue): string {
  if (value == null) return "";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  let text = value;
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record, with its CRLF. */
export function csvLine(values: readonly CsvValue[]): string {
  let line = "";
  for (let i = 0; i < values.length; i++) line += (i ? "," : "") + csvField(values[i]);
  return line + CRLF;
}

/** A whole small document (header and rows), BOM first. For tests and tiny exports. */
export function csvDocument(header: readonly string[], rows: Iterable<readonly CsvValue[]>): string {
  let text = BOM + csvLine(header);
  for (const row of rows) text += csvLine(row);
  return text;
}

/** `triad-debt-2025-06-01.csv` */
export function csvFilename(prefix: string, today: string): string {
  return `${prefix}-${today}.csv`;
}

/** Headers of a CSV download. */
export function csvHeaders(filename: string): HeadersInit {
  return {
    "Content-Type": "text/csv; charset=utf-8",
    "Content-Disposition": `attachment; filename="${filename.replace(/["\\\r\n]/g, "")}"`,
    "Cache-Control": "no-store",
  };
}

/**
 * A byte stream of the header and one line per row. `close` runs exactly once: at the end,
 * on an error, or when the client goes away (cancel), so a database cursor is always freed.
 */
export function csvStream<T>({
  header,
  rows,
  toCells,
  close,
  batchSize = 200,
}: {
  header: readonly string[];
  rows: Iterator<T>;
  toCells: (row: T) => readonly CsvValue[];
  close?: () => void;
  batchSize?: number;
}): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let closed = false;
  const finish = () => {
    if (closed) return;
    closed = true;
    try {
      rows.return?.();
    } finally {
      close?.();
    }
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(BOM + csvLine(header)));
    },
    async pull(controller) {
      // One event-loop turn per batch: Remix's writer does not wait for the socket to drain,
      // so without it the whole file is built (and held) before the first byte leaves, and
      // every other request waits meanwhile.
      await new Promise((resolve) => setImmediate(resolve));
      try {
        let chunk = "";
        for (let i = 0; i < batchSize; i++) {
          const next = rows.next();
          if (next.done) {
            if (chunk) controller.enqueue(encoder.encode(chunk));
            finish();
            controller.close();
            return;
          }
          chunk += csvLine(toCells(next.value));
        }
        controller.enqueue(encoder.encode(chunk));
      } catch (error) {
        finish();
        controller.error(error);
      }
    },
    cancel() {
      finish();
    },
  });
}
