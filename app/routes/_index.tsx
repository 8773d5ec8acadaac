/**
 * The portfolio dashboard: my queue, the pipeline board (today's, or as it stood at the end of
 * a past day with `?asOf=YYYY-MM-DD`) and where projects get stuck. Every figure says in one
 * line what it counts and links to the projects behind it (docs/domain.md, "Portfolio on a
 * date"): `?behind=<key>` opens that one list on the page, so the page carries one list, not
 * twenty-five (issue 15: the dashboard stays under 100 KB at 5,000 projects).
 */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Fragment } from "react";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { DISCIPLINES, STOP_CAUSES, type Stage } from "~/domain/vocabulary";
import { FunnelChart, LineChart, StackedBarChart } from "~/components/charts/Charts";
import { BoardOnDate } from "~/components/dashboard/BoardOnDate";
import { FigureProjects, ProjectLinks, type ProjectList } from "~/components/dashboard/FigureProjects";
import { PipelineBoard } from "~/components/dashboard/PipelineBoard";
import { MyQueue } from "~/components/dashboard/MyQueue";
import { DateTime } from "~/components/ui/DateTime";
import { Field, SelectField, optionsOf } from "~/components/ui/Field";
import { PageHeader } from "~/components/ui/PageHeader";
import { orgToday } from "~/lib/org-time-zone.server";
import { disciplineLabel, stageLabel, stageShortLabel, stopCauseLabel } from "~/domain/labels";
import { bottleneckFigures, gateWaitNow, myQueue, pipelineBoard } from "~/models/dashboard.server";
import { boardOn, organisationFirstDay, parseAsOf } from "~/models/portfolio.server";
import { requireUser } from "~/utils/auth.server";

export const meta: MetaFunction = () => [{ title: "Dashboard · Triad" }];

const PERIODS = [3, 6, 12, 24] as const;
const STAGE_LIST = ["poc", "pilot", "production"] as const;
const GATE_STAGES = ["pilot", "production"] as const;

type Figures = ReturnType<typeof bottleneckFigures>;
type GateWaitNow = ReturnType<typeof gateWaitNow>;

/** A list behind a figure, as `?behind=<key>` opens it. */
type Behind =
  | ({ kind: "projects" } & ProjectList)
  | { kind: "promotions"; total: number; latest: Figures["promoted"]["latest"] }
  | { kind: "reviews"; total: number; waiting: GateWaitNow["waiting"] };

/** Every list behind a figure, by its key. */
function behindLists(figures: Figures, wait: GateWaitNow): Record<string, Behind> {
  const { behind } = figures;
  const lists: Record<string, Behind> = {
    waiting: { kind: "reviews", total: wait.count, waiting: wait.waiting },
    promoted: { kind: "promotions", total: figures.promoted.total, latest: figures.promoted.latest },
  };
  for (const stage of STAGE_LIST) {
    lists[`entered-${stage}`] = { kind: "projects", ...behind.entered[stage] };
    lists[`stay-${stage}`] = { kind: "projects", ...behind.timeInStage[stage] };
  }
  for (const stage of GATE_STAGES) lists[`gate-${stage}`] = { kind: "projects", ...behind.gateWait[stage] };
  for (const [cause, list] of Object.entries(behind.stops)) {
    if (list) lists[`stopped-${cause}`] = { kind: "projects", ...list };
  }
  behind.conversion.forEach((c, i) => {
    lists[`conversion-${i}-reached`] = { kind: "projects", ...c.reached };
    lists[`conversion-${i}-stopped`] = { kind: "projects", ...c.stopped };
    lists[`conversion-${i}-still`] = { kind: "projects", ...c.stillInStage };
  });
  return lists;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = requireUser(request);
  const params = new URL(request.url).searchParams;
  const months = PERIODS.find((p) => String(p) === params.get("months")) ?? 12;
  const mine = params.get("mine") === "1";
  const waitingFor = DISCIPLINES.find((d) => d === params.get("waiting"));
  const now = Date.now();
  const today = orgToday(now);
  const start = new Date(now);
  start.setUTCMonth(start.getUTCMonth() - months);
  const figures = bottleneckFigures({ from: start.getTime(), to: now, now });
  // The board on a past day: a wrong date is said next to the field, and today's board stays.
  const asOfInput = (params.get("asOf") ?? "").slice(0, 40);
  const parsed = parseAsOf(asOfInput, now);
  const asOf = parsed.ok ? parsed.asOf : null;
  const wait = gateWaitNow(now);
  // The lists behind the figures: how many each names, and the one asked for (?behind=).
  const lists = behindLists(figures, wait);
  const asked = params.get("behind") ?? "";
  const { behind: _lists, promoted, ...counts } = figures;
  const { waiting: _waiting, ...gateWait } = wait;
  return {
    name: user.name,
    filters: { months, mine, waitingFor: waitingFor ?? "" },
    asOf: asOf ? { date: asOf.date, at: asOf.at, timeZone: asOf.timeZone, ...boardOn(asOf.at) } : null,
    asOfField: { value: asOfInput, error: parsed.ok ? null : parsed.message, firstDay: organisationFirstDay(), today },
    board: asOf ? [] : pipelineBoard({ userId: user.id, mine, waitingFor, today }),
    queue: myQueue({ userId: user.id, today }),
    gateWait,
    figures: {
      ...counts,
      promoted: { total: promoted.total, toPilot: promoted.toPilot, toProduction: promoted.toProduction },
    },
    behindTotals: Object.fromEntries(Object.entries(lists).map(([key, list]) => [key, list.total])),
    behind: Object.hasOwn(lists, asked) ? { key: asked, ...lists[asked] } : null,
    periodStart: start.getTime(),
    now,
  };
}

const fmtDays = (value: number | null) => (value === null ? "—" : `${Math.round(value)} d`);
const pct = (rate: number | null) => (rate === null ? "—" : `${Math.round(rate * 100)} %`);
// One formatter for every label: toLocaleDateString with options builds a new one per call,
// which cost the dashboard a tenth of its render.
const MONTH_LABEL = new Intl.DateTimeFormat("en-GB", { month: "short", year: "2-digit", timeZone: "UTC" });
const monthLabel = (ms: number) => MONTH_LABEL.format(ms);
const projectsWord = (n: number) => (n === 1 ? "1 project" : `${n} projects`);

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;
type GateWait = LoaderData["gateWait"];

/** "Waiting at the gate now": open reviews, the oldest (linked) and the median wait, in whole days. */
function GateWaitFigure({ wait }: { wait: GateWait }) {
  return (
    <section className="card" aria-labelledby="gate-wait-title">
      <h3 id="gate-wait-title">Waiting at the gate now</h3>
      <p className="small muted">
        Gate reviews open today on active projects, and how many whole days they have waited since they opened.
      </p>
      {wait.count === 0 || !wait.oldest ? (
        <p className="muted small">
          No gate review is open. A team opens one from its project's Gate page when it is ready for the next stage.
        </p>
      ) : (
        <>
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
          <BehindFigure id="waiting" summary="Which reviews" />
        </>
      )}
    </section>
  );
}

/** The date picker of the board: a plain GET form, so it works without JavaScript. */
function AsOfForm({
  field,
  months,
  showing,
}: {
  field: LoaderData["asOfField"];
  months: number;
  showing: string | null;
}) {
  const range = field.firstDay ? `From ${field.firstDay} to ${field.today}.` : `Up to ${field.today}.`;
  return (
    <Form method="get" className="filters compact" aria-label="Show the board on a past date">
      <input type="hidden" name="months" value={months} />
      <Field
        label="Board on date"
        name="asOf"
        type="date"
        defaultValue={field.value}
        error={field.error ?? undefined}
        hint={`${range} Leave it empty for today.`}
      />
      <button type="submit" className="btn btn-secondary">
        Show board
      </button>
      {showing ? (
        <Link to={`/?months=${months}`} className="small">
          Back to today's board
        </Link>
      ) : null}
    </Form>
  );
}

/** The conversion card: a cohort measure, with what became of every project in each cohort. */
function ConversionCard({ figures, months }: { figures: LoaderData["figures"]; months: number }) {
  return (
    <div className="card">
      <h3 id="conversion-title">Conversion</h3>
      <p className="small muted">
        A cohort measure: of the projects that entered the first stage in the last {months} months, how many have
        reached the second by today, how many stopped on the way, and how many are still in the stage (active or on
        hold). A recent cohort shows a low rate until its projects come through the gate.
      </p>
      <table aria-labelledby="conversion-title">
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
              Stopped
            </th>
            <th scope="col" className="num">
              Still in stage
            </th>
            <th scope="col" className="num">
              Rate
            </th>
          </tr>
        </thead>
        <tbody>
          {figures.conversion.map((c) => (
            <tr key={`${c.from}-${c.to}`}>
              <th scope="row">
                {stageShortLabel[c.from]} → {stageShortLabel[c.to]}
              </th>
              <td className="num">{c.cohort}</td>
              <td className="num">{c.converted}</td>
              <td className="num">{c.stopped}</td>
              <td className="num">{c.stillInStage}</td>
              <td className="num">{pct(c.rate)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="small muted">
        Rate = reached ÷ cohort. For PoC → Production, "still in stage" counts projects still in PoC or in Pilot.
      </p>
      {figures.conversion.map((c, i) => {
        const cohort = `${stageShortLabel[c.from]} → ${stageShortLabel[c.to]}`;
        return (
          <Fragment key={cohort}>
            <BehindFigure
              id={`conversion-${i}-reached`}
              summary={`${cohort}: which reached ${stageShortLabel[c.to]}`}
            />
            <BehindFigure id={`conversion-${i}-stopped`} summary={`${cohort}: which stopped before it`} />
            <BehindFigure id={`conversion-${i}-still`} summary={`${cohort}: which are still in stage`} />
          </Fragment>
        );
      })}
    </div>
  );
}

/** "Promoted in the period": the plain count of promotions, with the latest listed. */
function PromotedCard({ promoted, months }: { promoted: LoaderData["figures"]["promoted"]; months: number }) {
  return (
    <div className="card">
      <h3>Promoted in the period</h3>
      <p className="small muted">
        Gate reviews that ended in a promotion in the last {months} months, whenever the project started.
      </p>
      <ul className="debt-stats">
        <li>
          <span className="debt-stat-value">{promoted.total}</span> promotion{promoted.total === 1 ? "" : "s"}
        </li>
        <li>
          <span className="debt-stat-value">{promoted.toPilot}</span> to Pilot
        </li>
        <li>
          <span className="debt-stat-value">{promoted.toProduction}</span> to Production
        </li>
      </ul>
      {promoted.total === 0 ? (
        <p className="small muted">No project was promoted in this period.</p>
      ) : (
        <BehindFigure id="promoted" summary="Which projects" />
      )}
    </div>
  );
}

function PerStage({ prefix, label }: { prefix: string; label: (stage: Stage) => string }) {
  return (
    <>
      {STAGE_LIST.map((stage) => (
        <BehindFigure key={stage} id={`${prefix}-${stage}`} summary={label(stage)} />
      ))}
    </>
  );
}

/** The list behind a figure as `?behind=` opened it. */
function BehindList({ list }: { list: NonNullable<LoaderData["behind"]> }) {
  switch (list.kind) {
    case "projects":
      return <ProjectLinks list={list} />;
    case "promotions":
      return (
        <>
          <ul className="small figure-projects">
            {list.latest.map((p) => (
              <li key={`${p.id}-${p.to}`}>
                <Link to={`/projects/${p.slug}`}>{p.name}</Link> → {stageShortLabel[p.to]} on{" "}
                <DateTime at={p.at} dateOnly />
              </li>
            ))}
          </ul>
          {list.total > list.latest.length ? (
            <p className="small muted">and {list.total - list.latest.length} earlier.</p>
          ) : null}
        </>
      );
    case "reviews":
      return (
        <>
          <ul className="small figure-projects">
            {list.waiting.map((r) => (
              <li key={r.reviewId}>
                <Link to={`/projects/${r.slug}/gate`}>
                  {r.name} → {stageShortLabel[r.targetStage]}
                </Link>{" "}
                · {r.days === 1 ? "1 day" : `${r.days} days`}
              </li>
            ))}
          </ul>
          {list.total > list.waiting.length ? (
            <p className="small muted">and {list.total - list.waiting.length} more.</p>
          ) : null}
        </>
      );
  }
}

/** A figure's "Which projects (N)": a link to its list, or the list when it is the one open. */
function BehindFigure({ id, summary }: { id: string; summary: string }) {
  const { behind, behindTotals } = useLoaderData<typeof loader>();
  const { search } = useLocation();
  const open = behind?.key === id ? behind : null;
  return (
    <FigureProjects id={id} summary={summary} total={behindTotals[id] ?? 0} open={open !== null} query={search}>
      {open ? <BehindList list={open} /> : null}
    </FigureProjects>
  );
}

export default function Dashboard() {
  const { name, filters, asOf, asOfField, board, queue, gateWait, figures, periodStart, now } =
    useLoaderData<typeof loader>();
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
          <h2 id="pipeline-title">{asOf ? `Pipeline on ${asOf.date}` : "Pipeline"}</h2>
          {asOf ? null : (
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
          )}
        </div>
        <AsOfForm field={asOfField} months={filters.months} showing={asOf?.date ?? null} />
        {asOf ? (
          <>
            <p className="small muted" role="status">
              Every project that existed at the end of {asOf.date} ({asOf.timeZone}), in the stage and state it had
              then, from its recorded history: {projectsWord(asOf.projects)}, {asOf.openReviews} gate review
              {asOf.openReviews === 1 ? "" : "s"} open. Names and owners are today's.{" "}
              <Link to={`/projects?asOf=${asOf.date}`}>The projects list on {asOf.date}</Link> ·{" "}
              <a href={`/projects.csv?asOf=${asOf.date}`} download>
                Download as CSV
              </a>
            </p>
            <BoardOnDate date={asOf.date} at={asOf.at} columns={asOf.columns} />
          </>
        ) : (
          <>
            <GateWaitFigure wait={gateWait} />
            <p className="small muted">
              Active projects in each stage, the longest in their stage first. Each column links to all its projects.
            </p>
            <PipelineBoard columns={board} now={now} />
          </>
        )}
      </section>
      <section aria-labelledby="bottlenecks-title" className="dashboard-section">
        <div className="row space-between">
          <h2 id="bottlenecks-title">Bottlenecks, last {filters.months} months</h2>
          <Form method="get" className="filters compact" aria-label="Choose the period">
            {filters.mine ? <input type="hidden" name="mine" value="1" /> : null}
            {filters.waitingFor ? <input type="hidden" name="waiting" value={filters.waitingFor} /> : null}
            {asOf ? <input type="hidden" name="asOf" value={asOf.date} /> : null}
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
        <p className="small muted">
          From <DateTime at={periodStart} dateOnly /> to today, from the stage history in the activity log; refreshed
          every minute.
        </p>
        <div className="grid-2">
          <PromotedCard promoted={f.promoted} months={filters.months} />
          <ConversionCard figures={f} months={filters.months} />
          <div className="card">
            <FunnelChart
              title="Projects entering each stage"
              steps={STAGE_LIST.map((stage) => ({ label: stageShortLabel[stage], value: f.entered[stage] }))}
            />
            <p className="small muted">
              PoC counts projects created in the period; Pilot and Production count promotions into them.
            </p>
            <PerStage prefix="entered" label={(stage) => `Which projects entered ${stageLabel[stage]}`} />
          </div>
          <div className="card">
            <h3 id="durations-title">Time in stage and at the gate</h3>
            <p className="small muted">
              Stays in a stage that ended in the period (by promotion or stop), and gate reviews promoted in the period,
              from opening to promotion. Projects still in a stage do not count yet.
            </p>
            <table aria-labelledby="durations-title">
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
                {STAGE_LIST.map((stage) => (
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
            <PerStage prefix="stay" label={(stage) => `Whose stay in ${stageLabel[stage]} ended`} />
            {GATE_STAGES.map((stage) => (
              <BehindFigure
                key={stage}
                id={`gate-${stage}`}
                summary={`Whose gate review to ${stageLabel[stage]} was promoted`}
              />
            ))}
          </div>
          <div className="card">
            <StackedBarChart
              title="Why projects stopped"
              empty="No project stopped in this period."
              parts={STOP_CAUSES.map((cause) => ({ label: stopCauseLabel[cause], value: f.stops[cause] ?? 0 }))}
            />
            <p className="small muted">
              Projects stopped in the period, by the cause their owner gave.{" "}
              <Link to="/projects?state=stopped">All stopped projects</Link>.
            </p>
            {STOP_CAUSES.filter((cause) => f.stops[cause]).map((cause) => (
              <BehindFigure
                key={cause}
                id={`stopped-${cause}`}
                summary={`Stopped for ${stopCauseLabel[cause].toLowerCase()}`}
              />
            ))}
          </div>
        </div>
        <div className="card">
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
            At each month end: the principal of the debt items open then, and the interest they had accrued by then
            (repaid and written-off items stop accruing). <Link to="/debt">Open the debt register</Link> for the items.
          </p>
        </div>
      </section>
    </>
  );
}
