/** Liveness with a real database read: 200 {"status":"ok"}, or 503 when SQLite cannot answer. */
import { sql } from "drizzle-orm";
import { db } from "../../db/client.server";

export async function loader() {
  try {
    db.get(sql`select count(*) from users`);
    return Response.json({ status: "ok" }, { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    return Response.json(
      { status: "unavailable", error: "The database cannot be read." },
      { status: 503, headers: { "Cache-Control": "no-store" } },
    );
  }
}
