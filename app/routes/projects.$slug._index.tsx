import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { getFormProps } from "@conform-to/react";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import type { ComponentProps } from "react";
import { DISCIPLINES, STAGES } from "~/domain/vocabulary";
import type { Stage } from "~/domain/vocabulary";
import { SignOffBadge } from "~/components/gates/GateParts";
import { DisciplineBadge } from "~/components/ui/Badge";
import { SelectField, TextareaField, optionsOf } from "~/components/ui/Field";
import { SubmitButton, useIntentForm } from "~/components/ui/Form";
import { FormError } from "~/components/ui/FormError";
import { orgToday } from "~/lib/org-time-zone.server";
import {
  openDebtChoiceLabel,
  projectStateLabel,
  registerLabel,
  stageLabel,
  stageShortLabel,
  stopCauseLabel,
} from "~/domain/labels";
import { stageIndex } from "~/domain/stages";
import { projectOverview } from "~/models/project-overview.server";
import { changeProjectState, reopenProject } from "~/models/projects.server";
import { toActor } from "~/utils/auth.server";
import { DateTime } from "~/components/ui/DateTime";
import { daysSince, formatDays } from "~/utils/format";
import { errorsOf, parseSubmission, readForm, resultFor, type FormResult } from "~/utils/forms";
import { refuse, submissionError, unknownIntent } from "~/utils/http.server";
import { reopenSchema, stateChangeFormSchema, stopFormSchema } from "~/utils/lifecycle-validation";
import { requireProject, requireProjectWith } from "~/utils/project.server";
import { redirectWithToast } from "~/utils/toast.server";

type FieldMeta = NonNullable<ComponentProps<typeof TextareaField>["meta"]>;

export const meta: MetaFunction = () => [{ title: "Project · Triad" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project, may } = requireProject(request, params);
  const now = Date.now();
  const { team, mismatches, review, debt, activity } = projectOverview(project, orgToday(now));
  return {
    project,
    team,
    mismatches,
    review,
    debt,
    activity,
    mayEdit: may("project:edit"),
    mayChangeState: may("project:change-state"),
    // Stopping asks what happens to the open debt; an admin reopens a stopped project.
    // Open and repaying items, from the totals remembered until the next write (no extra query).
    openDebtCount:
      project.state === "active" || project.state === "on_hold"
        ? debt.technical.openCount + debt.organizational.openCount
        : 0,
    mayReopen: may("project:reopen"),
    now,
  };
}

type Ctx = { request: Request; actor: ReturnType<typeof toActor>; projectId: number; back: string };

/** The toast after each state change (a stop's depends on what became of the open debt). */
const CHANGED = {
  on_hold: "The project is on hold. Gate reviews pause until it resumes.",
  active: "The project is active again.",
  retired: "The project was retired from production.",
} as const;

/** "Put on hold", "Resume" and "Yes, retire it": the intent says which change. */
async function changeState(ctx: Ctx, formData: FormData, to: keyof typeof CHANGED) {
  const submission = parseSubmission(formData, stateChangeFormSchema);
  if (submission.status !== "success") return refuse(submission);
  try {
    changeProjectState({
      actor: ctx.actor,
      projectId: ctx.projectId,
      version: submission.value.version,
      change: { to },
    });
  } catch (error) {
    return submissionError(error, submission);
  }
  return redirectWithToast(ctx.request, ctx.back, { kind: "success", message: CHANGED[to] });
}

/** "Stop the project", with what happens to its open debt (docs/domain.md, "Stopping and reopening a project"). */
async function stop(ctx: Ctx, formData: FormData) {
  const submission = parseSubmission(formData, stopFormSchema);
  if (submission.status !== "success") return refuse(submission);
  const { version, ...stopped } = submission.value;
  try {
    changeProjectState({ actor: ctx.actor, projectId: ctx.projectId, version, change: { to: "stopped", ...stopped } });
  } catch (error) {
    return submissionError(error, submission);
  }
  return redirectWithToast(ctx.request, ctx.back, {
    kind: "success",
    message:
      stopped.openDebt === "write_off"
        ? "The project was stopped and its open debt written off. Its history and the reasons stay on record."
        : "The project was stopped. Its history and the reason stay on record.",
  });
}

/** An admin's "Reopen the project", with a reason. */
async function reopen(ctx: Ctx, formData: FormData) {
  const submission = parseSubmission(formData, reopenSchema);
  if (submission.status !== "success") return refuse(submission);
  try {
    reopenProject({ actor: ctx.actor, projectId: ctx.projectId, ...submission.value });
  } catch (error) {
    return submissionError(error, submission);
  }
  return redirectWithToast(ctx.request, ctx.back, {
    kind: "success",
    message: "The project is active again. Written-off debt stays written off.",
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, project } = requireProjectWith(request, params, "project:change-state");
  const formData = await readForm(request);
  const ctx: Ctx = { request, actor: toActor(user), projectId: project.id, back: `/projects/${project.slug}` };
  const intent = formData.get("intent");
  switch (intent) {
    case "hold":
      return changeState(ctx, formData, "on_hold");
    case "resume":
      return changeState(ctx, formData, "active");
    case "retire":
      return changeState(ctx, formData, "retired");
    case "stop":
      return stop(ctx, formData);
    case "reopen":
      return reopen(ctx, formData);
    default:
      throw unknownIntent(intent);
  }
}

function StageProgress({ stage }: { stage: Stage }) {
  return (
    <ol className="progress" aria-label="Stage">
      {STAGES.map((s) => {
        const state = stageIndex(s) < stageIndex(stage) ? "done" : s === stage ? "current" : "todo";
        return (
          <li key={s} className={state} aria-current={state === "current" ? "step" : undefined}>
            {stageLabel[s]}
            <span className="sr-only">
              {state === "done" ? " (passed)" : state === "current" ? " (current stage)" : " (ahead)"}
            </span>
          </li>
        );
      })}
    </ol>
  );
}

export default function ProjectOverview() {
  const d = useLoaderData<typeof loader>();
  const actionData = useActionData<FormResult>();
  const [searchParams] = useSearchParams();
  const p = d.project;
  const confirm = searchParams.get("confirm");
  // Whichever form was refused, its form-level message (a conflict, a stale page, a tampered
  // version) shows here, where it stays visible even when no box of that form is left open.
  const refusedFor = (intent: string) => Boolean(resultFor(actionData, intent));
  const refused = errorsOf(actionData);
  const base = `/projects/${p.slug}`;
  return (
    <>
      <FormError message={refused.form ?? refused.version} />
      <StageProgress stage={p.stage} />
      <div className="grid-2">
        <section className="card" aria-labelledby="about-title">
          <div className="row space-between">
            <h2 id="about-title">About</h2>
            {d.mayEdit ? <Link to={`${base}/edit`}>Edit project</Link> : null}
          </div>
          {p.summary ? <p>{p.summary}</p> : null}
          <dl className="dl">
            <dt>Owner</dt>
            <dd>{p.ownerName}</dd>
            <dt>In {stageShortLabel[p.stage]} for</dt>
            <dd>
              {daysSince(p.stageEnteredAt, p.closedAt ?? d.now)} days
              {p.closedAt != null ? ` (until it was ${projectStateLabel[p.state].toLowerCase()})` : null}
            </dd>
            {p.state === "stopped" && p.stopCause ? (
              <>
                <dt>Stopped because</dt>
                <dd>
                  {stopCauseLabel[p.stopCause]}: {p.stopNote}
                </dd>
              </>
            ) : null}
          </dl>
          {p.businessCase ? (
            <>
              <h3 className="section-title">Business case</h3>
              <p className="prewrap">{p.businessCase}</p>
            </>
          ) : null}
        </section>
        <section className="card" aria-labelledby="gate-title">
          <h2 id="gate-title">Gate review</h2>
          {d.review ? (
            <>
              <p>
                Open: {stageShortLabel[p.stage]} → {stageShortLabel[d.review.targetStage]},{" "}
                {d.review.blockerCount === 0
                  ? "ready to promote"
                  : `${d.review.blockerCount} thing${d.review.blockerCount === 1 ? "" : "s"} still blocking`}
                .
              </p>
              <ul className="list-plain">
                {d.review.panels.map((panel) => (
                  <li key={panel.discipline} className="row">
                    <DisciplineBadge discipline={panel.discipline} /> <SignOffBadge status={panel.status} />
                    {panel.signer ? <span className="small">{panel.signer}</span> : null}
                  </li>
                ))}
              </ul>
              <Link to={`${base}/gate`}>Go to the review</Link>
            </>
          ) : (
            <p>
              No review open. <Link to={`${base}/gate`}>Gate page</Link>
            </p>
          )}
          <h3 className="section-title">Requirements</h3>
          <p>
            {d.mismatches === 0 ? (
              "No open mismatches among the must-haves."
            ) : (
              <Link to={`${base}/requirements?view=mismatches&priority=must`}>
                {d.mismatches} open mismatch{d.mismatches === 1 ? "" : "es"} (must-haves infeasible for either
                discipline or not yet assessed by both)
              </Link>
            )}
          </p>
        </section>
        <section className="card" aria-labelledby="team-title">
          <h2 id="team-title">Team</h2>
          <ul className="list-plain">
            {DISCIPLINES.map((discipline) => {
              const names = d.team.filter((m) => m.discipline === discipline).map((m) => m.name);
              return (
                <li key={discipline}>
                  <DisciplineBadge discipline={discipline} />{" "}
                  {names.length ? names.join(", ") : <span className="muted">nobody yet</span>}
                </li>
              );
            })}
          </ul>
          <Link to={`${base}/team`}>Manage the team</Link>
        </section>
        <section className="card" aria-labelledby="debt-title">
          <h2 id="debt-title">Debt</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">Register</th>
                <th scope="col" className="num">
                  Open
                </th>
                <th scope="col" className="num">
                  Principal
                </th>
                <th scope="col" className="num">
                  Interest so far
                </th>
                <th scope="col" className="num">
                  Overdue
                </th>
              </tr>
            </thead>
            <tbody>
              {(["technical", "organizational"] as const).map((register) => (
                <tr key={register}>
                  <th scope="row">
                    <Link to={`${base}/debt?register=${register}`}>{registerLabel[register]}</Link>
                  </th>
                  <td className="num">{d.debt[register].openCount}</td>
                  <td className="num">{formatDays(d.debt[register].principalDays)}</td>
                  <td className="num">{formatDays(d.debt[register].accruedInterestDays)}</td>
                  <td className="num">{d.debt[register].overdueCount}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>
      <section className="card" aria-labelledby="recent-title">
        <div className="row space-between">
          <h2 id="recent-title">Recent activity</h2>
          <Link to={`${base}/activity`}>Full timeline</Link>
        </div>
        <ol className="timeline">
          {d.activity.map((a) => (
            <li key={a.id}>
              <DateTime at={a.at} /> {a.summary}
            </li>
          ))}
        </ol>
      </section>
      {d.mayChangeState ? (
        <StateControls
          project={p}
          confirm={confirm}
          stopRefused={refusedFor("stop")}
          base={base}
          openDebtCount={d.openDebtCount}
        />
      ) : null}
      {d.mayReopen ? (
        <ReopenControls project={p} open={confirm === "reopen" || refusedFor("reopen")} base={base} />
      ) : null}
    </>
  );
}

/**
 * Hold or resume, stop (a box asking why, `?confirm=stop`) and retire (`?confirm=retire`),
 * each button sending its own intent. Each box holds its own Conform form, so it starts
 * fresh every time it opens.
 */
function StateControls({
  project,
  confirm,
  stopRefused,
  base,
  openDebtCount,
}: {
  project: { state: string; stage: Stage; version: number };
  confirm: string | null;
  stopRefused: boolean;
  base: string;
  openDebtCount: number;
}) {
  if (project.state === "stopped" || project.state === "retired") return null;
  const showStop = confirm === "stop" || stopRefused;
  return (
    <section className="card" aria-labelledby="state-title">
      <h2 id="state-title">Project state</h2>
      <div className="row">
        <HoldOrResume state={project.state} version={project.version} />
        {!showStop ? (
          <Link to="?confirm=stop" className="btn btn-secondary">
            Stop project…
          </Link>
        ) : null}
        {project.stage === "production" && confirm !== "retire" ? (
          <Link to="?confirm=retire" className="btn btn-secondary">
            Retire…
          </Link>
        ) : null}
      </div>
      {showStop ? <StopBox version={project.version} openDebtCount={openDebtCount} base={base} /> : null}
      {confirm === "retire" && project.stage === "production" ? (
        <RetireBox version={project.version} base={base} />
      ) : null}
    </section>
  );
}

/** One button: "Put on hold" for an active project, "Resume" for one on hold. */
function HoldOrResume({ state, version }: { state: string; version: number }) {
  const intent = state === "active" ? "hold" : "resume";
  const [form] = useIntentForm({ intent, schema: stateChangeFormSchema, id: "form-hold-resume" });
  return (
    <Form method="post" className="inline-form" {...getFormProps(form)}>
      <input type="hidden" name="version" value={version} />
      {intent === "hold" ? (
        <SubmitButton intent="hold" variant="secondary" pendingLabel="Putting on hold…">
          Put on hold
        </SubmitButton>
      ) : (
        <SubmitButton intent="resume" variant="secondary" pendingLabel="Resuming…">
          Resume
        </SubmitButton>
      )}
    </Form>
  );
}

function StopBox({ version, openDebtCount, base }: { version: number; openDebtCount: number; base: string }) {
  const [form, fields] = useIntentForm({ intent: "stop", schema: stopFormSchema });
  return (
    <Form method="post" className="confirm-box" {...getFormProps(form)}>
      <input type="hidden" name="version" value={version} />
      <p>Stopping ends the project: it becomes read-only and any open gate review is withdrawn.</p>
      <SelectField
        label="Why did it stop?"
        meta={fields.stopCause}
        placeholder="Choose a cause"
        options={optionsOf(stopCauseLabel)}
      />
      <TextareaField label="What happened" meta={fields.stopNote} />
      {openDebtCount > 0 ? (
        <OpenDebtChoice count={openDebtCount} choice={fields.openDebt} reason={fields.writeOffReason} />
      ) : null}
      <div className="form-actions">
        <SubmitButton intent="stop" variant="danger" pendingLabel="Stopping…">
          Stop the project
        </SubmitButton>
        <Link to={base}>Cancel</Link>
      </div>
    </Form>
  );
}

function RetireBox({ version, base }: { version: number; base: string }) {
  const [form] = useIntentForm({ intent: "retire", schema: stateChangeFormSchema });
  return (
    <Form method="post" className="confirm-box" {...getFormProps(form)}>
      <input type="hidden" name="version" value={version} />
      <p>Retire this product from production? It becomes read-only; its history stays.</p>
      <div className="form-actions">
        <SubmitButton intent="retire" variant="danger" pendingLabel="Retiring…">
          Yes, retire it
        </SubmitButton>
        <Link to={base}>Cancel</Link>
      </div>
    </Form>
  );
}

/**
 * What happens to a stopping project's open debt: written off with a reason (it stops costing
 * interest and leaves the queues and overdue counts) or kept open as it is.
 */
function OpenDebtChoice({ count, choice, reason }: { count: number; choice: FieldMeta; reason: FieldMeta }) {
  const items = `${count} open debt ${count === 1 ? "item" : "items"}`;
  const error = choice.errors?.[0];
  return (
    <>
      <fieldset aria-describedby={`open-debt-hint${error ? " open-debt-error" : ""}`}>
        <legend>What happens to its {items}?</legend>
        <p id="open-debt-hint" className="field-hint">
          Written-off items stop costing interest and leave the queues and overdue counts; each keeps the reason in its
          history. Kept items stay open as they are.
        </p>
        <div className="radio-col">
          {(["write_off", "keep"] as const).map((value) => (
            <label key={value}>
              <input type="radio" name={choice.name} value={value} defaultChecked={choice.initialValue === value} />{" "}
              {openDebtChoiceLabel[value]}
            </label>
          ))}
        </div>
        {error ? (
          <p className="field-error" id="open-debt-error">
            {error}
          </p>
        ) : null}
      </fieldset>
      <TextareaField label="Why write it off?" meta={reason} hint="Needed when you write the debt off." />
    </>
  );
}

/** An admin brings a stopped project back, with a reason (no JavaScript: a `?confirm=reopen` box). */
function ReopenControls({ project, open, base }: { project: { version: number }; open: boolean; base: string }) {
  return (
    <section className="card" aria-labelledby="reopen-title">
      <h2 id="reopen-title">Project state</h2>
      {!open ? (
        <Link to="?confirm=reopen" className="btn btn-secondary">
          Reopen…
        </Link>
      ) : (
        <ReopenBox version={project.version} base={base} />
      )}
    </section>
  );
}

function ReopenBox({ version, base }: { version: number; base: string }) {
  const [form, fields] = useIntentForm({ intent: "reopen", schema: reopenSchema });
  return (
    <Form method="post" className="confirm-box" {...getFormProps(form)}>
      <input type="hidden" name="version" value={version} />
      <p>Reopen this project? It becomes active again; debt written off when it stopped stays written off.</p>
      <TextareaField label="Why reopen it?" meta={fields.reason} required />
      <div className="form-actions">
        <SubmitButton intent="reopen" pendingLabel="Reopening…">
          Reopen the project
        </SubmitButton>
        <Link to={base}>Cancel</Link>
      </div>
    </Form>
  );
}
