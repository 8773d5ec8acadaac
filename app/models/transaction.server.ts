/**
 * How a model mutation runs. Every mutation takes an optional `{ tx, now }` as its last
 * parameter: `tx` runs it inside the caller's transaction (as a savepoint, so a refused
 * change still writes nothing and the caller's other work stays), `now` is the instant it
 * happens at instead of the clock. The demo (app/demo/) replays its whole story in one
 * transaction on a deterministic clock this way; pages and the API pass neither.
 */
import { db, WRITE_TX, type Tx } from "../../db/client.server";
import { noteWrite } from "./data-version.server";

export type WriteOptions = {
  /** Run inside this transaction (a savepoint of it) instead of a transaction of its own. */
  tx?: Tx;
  /** The instant of the change (milliseconds UTC); the clock when omitted. */
  now?: number;
};

/**
 * Runs `write` in its transaction at its instant, as `options` say, and tells the memos
 * (data-version.server.ts) that the data moved. A transaction of its own is `BEGIN IMMEDIATE`
 * (WRITE_TX, db/client.server.ts): it waits for another process's write instead of failing.
 */
export function withTx<T>(options: WriteOptions | undefined, write: (tx: Tx, now: number) => T): T {
  const now = options?.now ?? Date.now();
  const result = options?.tx
    ? options.tx.transaction((tx) => write(tx, now))
    : db.transaction((tx) => write(tx, now), WRITE_TX);
  noteWrite();
  return result;
}

/**
 * For mutations that already took `now` in their input (debt, tokens, webhooks,
 * notifications): the options' `now` wins, then the input's, then the clock.
 */
export function withInputNow(options: WriteOptions | undefined, inputNow: number | undefined): WriteOptions {
  return { tx: options?.tx, now: options?.now ?? inputNow };
}
