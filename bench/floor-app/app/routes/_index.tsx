/**
 * The bare floor's one page: 50 rows read from SQLite through better-sqlite3 on every request
 * (a prepared statement), rendered as the same table as Triad's /bench/floor.
 */
import Database from "better-sqlite3";
import { useLoaderData } from "@remix-run/react";

type Row = { id: number; name: string; stage: string; owner: string; openDebtDays: number };

let statement: Database.Statement<[], Row> | null = null;

function rows(): Row[] {
  if (!statement) {
    const file = process.env.FLOOR_DATABASE;
    if (!file) throw new Error("FLOOR_DATABASE is not set.");
    const db = new Database(file, { readonly: true });
    statement = db.prepare<[], Row>(
      "SELECT id, name, stage, owner, open_debt_days AS openDebtDays FROM products ORDER BY id LIMIT 50",
    );
  }
  return statement.all();
}

export async function loader() {
  return { rows: rows() };
}

export default function Index() {
  const data = useLoaderData<typeof loader>();
  return (
    <main>
      <h1>Bare floor</h1>
      <table>
        <thead>
          <tr>
            <th scope="col">Project</th>
            <th scope="col">Stage</th>
            <th scope="col">Owner</th>
            <th scope="col">Open debt</th>
          </tr>
        </thead>
        <tbody>
          {data.rows.map((row) => (
            <tr key={row.id}>
              <th scope="row">{row.name}</th>
              <td>{row.stage}</td>
              <td>{row.owner}</td>
              <td>{row.openDebtDays} d</td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}
