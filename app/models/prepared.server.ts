/**
 * Statements of the hot path (the session on every request, the bell's count, the memos'
 * data version) prepared once per connection instead of built and compiled at every call:
 * a drizzle query builds its SQL text and better-sqlite3 compiles it on each `.get()`.
 * Kept per connection, because tests (and the CLI) close and reopen the database.
 */
import { getDb, withOwnStatements, type Db } from "../../db/client.server";

/** `make(connection)` once per connection; the same statement for every later call on it. */
export function perConnection<T>(make: (database: Db) => T): () => T {
  const made = new WeakMap<Db, T>();
  return () => {
    const database = getDb();
    let statement = made.get(database);
    if (statement === undefined) {
      // Its own statement, not the connection's shared one: it keeps its mode (pluck, raw).
      statement = withOwnStatements(database, () => make(database));
      made.set(database, statement);
    }
    return statement;
  };
}
