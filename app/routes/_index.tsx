/** The portfolio dashboard: my queue, the pipeline board and where projects get stuck. */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { DISCIPLINES, STOP_CAUSES } from "~/domain/vocabulary";
import { FunnelChart, LineChart, StackedBarChart } from "~/components/charts/Charts";
import { PipelineBoard } from "~/components/dashboard/PipelineBoard";
import { MyQueue } from "~/components/dashboard/MyQueue";
import { SelectField, optionsOf } from "~/components/ui/Field";
import { PageHeader } from "~/components/ui/PageHeader";
import { utcDate } from "~/domain/dates";
import { disciplineLabel, stageShortLabel, stopCauseLabel } from "~/domain/labels";
import { bottleneckFigures, gateWaitNow, myQueue, pipelineBoard } from "~/models/dashboard.server";
import { requireUser } from "~/utils/auth.server";

export const meta: MetaFunction = () => [{ title: "Dashboard · Triad" }];

const PERIODS = [3, 6, 12, 24] as const;

export async function loader({ request }: LoaderFunctionArgs) {
  const user = requireUser(request);
  const params = new URL(request.url).searchParams;
  const months = PERIODS.find((p) => String(p) === params.get("months")) ?? 12;
  const mine = params.get("mine") === "1";
  const waitingFor = DISCIPLINES.find((d) => d === params.get("waiting"));
  const now = Date.now();
  const today = utcDate(now);
  const start = new Date(now);
  start.setUTCMonth(start.getUTCMonth() - months);
  const figures = bottleneckFigures({ from: start.getTime(), to: now, now });
  return {
    name: user.name,
    filters: { months, mine, waitingFor: waitingFor ?? "" },
    board: pipelineBoard({ userId: user.id, mine, waitingFor, today }),
    queue: myQueue({ userId: user.id, today }),
    gateWait: gateWaitNow(now),
    figures,
    now,
  };
}

const fmtDays = (value: number | null) => (value === null ? "—" : `${Math.round(value)} d`);
const pct = (rate: number | null) => (rate === null ? "—" : `${Math.round(rate * 100)} %`);
const monthLabel = (ms: number) =>
  new Date(ms).toLocaleDateString("en-GB", { month: "short", year: "2-digit", timeZone: "UTC" });

type GateWait = ReturnType<typeof gateWaitNow>;

/** "Waiting at the gate now": open reviews, the oldest (linked) and the median wait, in whole days. */
function GateWaitFigure({ wait }: { wait: GateWait }) {
  return (
    <section className="card" aria-labelledby="gate-wait-title">
      <h3 id="gate-wait-title">Waiting at the gate now</h3>
      {wait.count === 0 || !wait.oldest ? (
        <p className="muted small">
          No gate review is open. A team opens one from its project's Gate page when it is ready for the next stage.
        </p>
      ) : (
        <ul className="debt-stats">
          <li>
            <span className="debt-stat-value">{wait.count}</span> open review{wait.count === 1 ? "" : "s"}
          </li>
          <li>
            oldest <span className="debt-stat-value">{wait.oldest.days} d</span>:{" "}
            <Link to={`/projects/${wait.oldest.slug}/gate`}>
              {wait.oldest.name} → {stageShortLabel[wait.oldest.targetStage]}
            </Link>
          </li>
          <li>
            median <span className="debt-stat-value">{fmtDays(wait.medianDays)}</span>
          </li>
        </ul>
      )}
    </section>
  );
}

export default function Dashboard() {
  const { name, filters, board, queue, gateWait, figures, now } = useLoaderData<typeof loader>();
  const f = figures;
  return (
    <>
      <PageHeader
        title="Dashboard"
        description={`Welcome, ${name}. Where every data product stands, what waits for you, and where projects get stuck.`}
      />
      <MyQueue queue={queue} now={now} />
      <section aria-labelledby="pipeline-title" className="dashboard-section">
        <div className="row space-between">
          <h2 id="pipeline-title">Pipeline</h2>
          <Form method="get" className="filters compact" aria-label="Filter the pipeline">
            <input type="hidden" name="months" value={filters.months} />
            <div className="field checkbox-field">
              <label>
                <input type="checkbox" name="mine" value="1" defaultChecked={filters.mine} /> My projects
              </label>
            </div>
            <SelectField
              label="Waiting for"
              name="waiting"
              placeholder="Any discipline"
              options={optionsOf(disciplineLabel)}
              defaultValue={filters.waitingFor}
            />
            <button type="submit" className="btn btn-secondary">
              Apply
            </button>
          </Form>
        </div>
        <GateWaitFigure wait={gateWait} />
        <PipelineBoard columns={board} now={now} />
      </section>
      <section aria-labelledby="bottlenecks-title" className="dashboard-section">
        <div className="row space-between">
          <h2 id="bottlenecks-title">Bottlenecks, last {filters.months} months</h2>
          <Form method="get" className="filters compact" aria-label="Choose the period">
            {filters.mine ? <input type="hidden" name="mine" value="1" /> : null}
            {filters.waitingFor ? <input type="hidden" name="waiting" value={filters.waitingFor} /> : null}
            <SelectField
              label="Period"
              name="months"
              defaultValue={String(filters.months)}
              options={PERIODS.map((p) => ({ value: String(p), label: `Last ${p} months` }))}
            />
            <button type="submit" className="btn btn-secondary">
              Show
            </button>
          </Form>
        </div>
        <div className="grid-2">
          <FunnelChart
            title="Projects entering each stage"
            steps={(["poc", "pilot", "production"] as const).map((stage) => ({
              label: stageShortLabel[stage],
              value: f.entered[stage],
            }))}
          />
          <div className="card">
            <h3>Conversion</h3>
            <p className="small muted">
              Of the projects that entered the first stage in the period, how many have reached the second.
            </p>
            <table>
              <thead>
                <tr>
                  <th scope="col">From → to</th>
                  <th scope="col" className="num">
                    Cohort
                  </th>
                  <th scope="col" className="num">
                    Reached
                  </th>
                  <th scope="col" className="num">
                    Rate
                  </th>
                </tr>
              </thead>
              <tbody>
                {f.conversion.map((c) => (
                  <tr key={`${c.from}-${c.to}`}>
                    <th scope="row">
                      {stageShortLabel[c.from]} → {stageShortLabel[c.to]}
                    </th>
                    <td className="num">{c.cohort}</td>
                    <td className="num">{c.converted}</td>
                    <td className="num">{pct(c.rate)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="card">
            <h3>Time in stage and at the gate</h3>
            <p className="small muted">Completed stays and promoted reviews that ended in the period.</p>
            <table>
              <thead>
                <tr>
                  <th scope="col">Where</th>
                  <th scope="col" className="num">
                    Count
                  </th>
                  <th scope="col" className="num">
                    Median
                  </th>
                  <th scope="col" className="num">
                    90th percentile
                  </th>
                </tr>
              </thead>
              <tbody>
                {(["poc", "pilot", "production"] as const).map((stage) => (
                  <tr key={stage}>
                    <th scope="row">In {stageShortLabel[stage]}</th>
                    <td className="num">{f.timeInStage[stage].count}</td>
                    <td className="num">{fmtDays(f.timeInStage[stage].medianDays)}</td>
                    <td className="num">{fmtDays(f.timeInStage[stage].p90Days)}</td>
                  </tr>
                ))}
                {(["pilot", "production"] as const).map((stage) => (
                  <tr key={`gate-${stage}`}>
                    <th scope="row">Waiting at the gate to {stageShortLabel[stage]}</th>
                    <td className="num">{f.gateWait[stage].count}</td>
                    <td className="num">{fmtDays(f.gateWait[stage].medianDays)}</td>
                    <td className="num">{fmtDays(f.gateWait[stage].p90Days)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <StackedBarChart
            title="Why projects stopped"
            empty="No project stopped in this period."
            parts={STOP_CAUSES.map((cause) => ({ label: stopCauseLabel[cause], value: f.stops[cause] ?? 0 }))}
          />
        </div>
        <LineChart
          title="Debt over time (person-days)"
          unit="d"
          xLabels={f.debtSeries.map((p) => monthLabel(p.at))}
          series={[
            {
              label: "Technical principal",
              values: f.debtSeries.map((p) => p.technical.principalDays),
              className: "line-tech-principal",
            },
            {
              label: "Organizational principal",
              values: f.debtSeries.map((p) => p.organizational.principalDays),
              className: "line-org-principal",
            },
            {
              label: "Technical interest accrued",
              values: f.debtSeries.map((p) => p.technical.accruedInterestDays),
              className: "line-tech-interest",
            },
            {
              label: "Organizational interest accrued",
              values: f.debtSeries.map((p) => p.organizational.accruedInterestDays),
              className: "line-org-interest",
            },
          ]}
        />
        <p className="small muted">
          Figures come from the stage history in the activity log and are refreshed every minute.{" "}
          <Link to="/debt">Open the debt register</Link>.
        </p>
      </section>
    </>
  );
}
