/**
 * /bench/floor: the benchmark's floor (bench/run.ts). A page of this app — the same server,
 * document, root loader and layout — whose own loader touches no database and checks nobody:
 * it returns a fixed 50-row table. What a real page costs above this is its own work.
 */
import type { MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { PageHeader } from "~/components/ui/PageHeader";

export const meta: MetaFunction = () => [{ title: "Benchmark floor · Triad" }, { name: "robots", content: "noindex" }];

const STAGES = ["poc", "pilot", "production"] as const;

const ROWS = Array.from({ length: 50 }, (_, i) => ({
  id: i + 1,
  name: `Data product ${i + 1}`,
  stage: STAGES[i % STAGES.length],
  owner: `Person ${(i * 7) % 23}`,
  openDebtDays: (i * 13) % 40,
}));

export async function loader() {
  return { rows: ROWS };
}

export default function BenchFloor() {
  const { rows } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader title="Benchmark floor" description="A fixed 50-row table: no database, no sign-in." />
      <table>
        <thead>
          <tr>
            <th scope="col">Project</th>
            <th scope="col">Stage</th>
            <th scope="col">Owner</th>
            <th scope="col" className="num">
              Open debt
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id}>
              <th scope="row">{row.name}</th>
              <td>{row.stage}</td>
              <td>{row.owner}</td>
              <td className="num">{row.openDebtDays} d</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
