/**
 * The rows of a long query, one at a time, read through a read-only connection of their own:
 * for downloads that stream across many event-loop turns (/debt.csv, the audit log's CSV).
 * A better-sqlite3 connection with an open iterator refuses every write ("connection is
 * busy"), so the app's own connection cannot be used; the separate one also reads a single
 * consistent snapshot (WAL). `close` frees the cursor and the connection (csvStream calls it
 * at the end, on an error and when the client goes away).
 *
 * Rows come as SQLite gives them (`raw` arrays, no drizzle decoding); `toRow` makes each one.
 * An in-memory database (tests) has no file to open twice: its rows are read at once.
 */
import Database from "better-sqlite3";
import { BUSY_TIMEOUT_MS, db } from "../../db/client.server";

export type RowStream<T> = { rows: Iterator<T>; close: () => void };

export function streamOnOwnConnection<T>(
  query: { toSQL(): { sql: string; params: unknown[] } },
  toRow: (values: unknown[]) => T,
): RowStream<T> {
  const { sql: text, params } = query.toSQL();
  const file = db.$client.name;
  if (!file || file === ":memory:" || db.$client.memory) {
    const all = db.$client
      .prepare(text)
      .raw(true)
      .all(...params) as unknown[][];
    return { rows: all.map(toRow)[Symbol.iterator](), close: () => {} };
  }
  const reader = new Database(file, { readonly: true, fileMustExist: true });
  reader.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  const cursor = reader
    .prepare(text)
    .raw(true)
    .iterate(...params) as IterableIterator<unknown[]>;
  function* rows(): Generator<T> {
    for (const values of cursor) yield toRow(values);
  }
  return {
    rows: rows(),
    close: () => {
      cursor.return?.();
      if (reader.open) reader.close();
    },
  };
}
