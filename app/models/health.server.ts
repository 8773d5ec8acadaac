/** The liveness probe's database read (GET /healthz): throws when SQLite cannot answer. */
import { sql } from "drizzle-orm";
import { db } from "../../db/client.server";

export function checkDatabaseAnswers(): void {
  db.get(sql`select count(*) from users`);
}
