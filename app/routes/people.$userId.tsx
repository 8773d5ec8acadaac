import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { getFormProps } from "@conform-to/react";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import type { Discipline } from "~/domain/vocabulary";
import { Badge, DisciplineBadge } from "~/components/ui/Badge";
import { SelectField, optionsOf } from "~/components/ui/Field";
import { formMessage, SubmitButton, useIntentForm } from "~/components/ui/Form";
import { FormError } from "~/components/ui/FormError";
import { PageHeader } from "~/components/ui/PageHeader";
import { NeedsConfirmation } from "~/domain/errors";
import { disciplineLabel, projectStateLabel, roleLabel, stageShortLabel } from "~/domain/labels";
import { listOpenSignOffsOf, listSeatsOf } from "~/models/people-read.server";
import { deactivateWithHandover, handOverWork, holdingsOf, type HandoverResult } from "~/models/handover.server";
import { getUser, setUserActive, updateUserAccess } from "~/models/users.server";
import { HandoverFields, holdingsSummary } from "~/components/people/HandoverFields";
import { accessSchema, personStatusSchema } from "~/utils/admin-validation";
import { handoverChoicesOf, handoverSchema } from "~/utils/handover-validation";
import { requireAdmin, toActor } from "~/utils/auth.server";
import { parseSubmission, readForm, refusal } from "~/utils/forms";
import { invariantResponse, refuse, submissionError, unknownIntent } from "~/utils/http.server";
import { redirectWithToast } from "~/utils/toast.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.person.name ?? "Person"} · People · Triad` },
];

function personId(params: { userId?: string }) {
  const id = Number(params.userId);
  invariantResponse(Number.isInteger(id) && id > 0, "No such person.");
  return id;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  requireAdmin(request);
  const person = getUser(personId(params));
  invariantResponse(person, "No such person.");
  return {
    person,
    seats: listSeatsOf(person.id),
    openSignOffs: listOpenSignOffsOf(person.id).length,
    // What they hold in open projects, to hand over when they leave (docs/domain.md, "Hand-over on departure").
    holdings: holdingsOf(person.id),
  };
}

/** What the admin is asked to confirm before a discipline change withdraws sign-offs. */
type ConfirmChange = {
  message: string;
  from: Discipline;
  to: Discipline;
  role: string;
  version: number;
  signOffs: number;
  signOffProjects: string[];
  seats: number;
};

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** What a discipline change moved, for the toast. */
function movedText(seats: number, signOffs: number, to: Discipline) {
  if (!seats && !signOffs) return "";
  const parts = [seats ? ` Their ${plural(seats, "seat", "seats")} moved to ${disciplineLabel[to]}` : ""];
  if (signOffs)
    parts.push(
      `${parts[0] ? ";" : ""} ${plural(signOffs, "sign-off on an open review was", "sign-offs on open reviews were")} withdrawn`,
    );
  return `${parts.join("")}.`;
}

type Ctx = { request: Request; actor: ReturnType<typeof toActor>; userId: number };

async function access(ctx: Ctx, formData: FormData) {
  const submission = parseSubmission(formData, accessSchema);
  if (submission.status !== "success") return refuse(submission);
  const { confirmed, ...change } = submission.value;
  const { userId } = ctx;
  const before = getUser(userId);
  invariantResponse(before, "No such person.");
  // What a discipline change moves (docs/domain.md, "Who may sign"), to ask first and to report after.
  const moving = before.discipline !== change.discipline;
  const seats = moving ? listSeatsOf(userId) : [];
  const live = moving ? listOpenSignOffsOf(userId) : [];
  try {
    const person = updateUserAccess({ actor: ctx.actor, userId, ...change, confirmed: confirmed === "true" });
    return redirectWithToast(ctx.request, `/people/${userId}`, {
      kind: "success",
      message:
        `${person.name} is now ${disciplineLabel[person.discipline]}, ${roleLabel[person.role]}.` +
        (moving ? movedText(seats.length, live.length, person.discipline) : ""),
    });
  } catch (error) {
    if (!(error instanceof NeedsConfirmation)) return submissionError(error, submission);
    // Nothing changed: the page asks first, with what the change would move.
    const confirm: ConfirmChange = {
      message: error.message,
      from: before.discipline,
      to: change.discipline,
      role: change.role,
      version: change.version,
      signOffs: live.length,
      signOffProjects: [...new Set(live.map((s) => s.projectName))],
      seats: seats.length,
    };
    return data({ ...refusal(submission), confirm }, { status: 409 });
  }
}

/** What a hand-over moved, for the toast ("" when nothing). */
function handedText({ items, steps, projects }: HandoverResult) {
  const parts = [
    items ? plural(items, "debt item", "debt items") : "",
    steps ? plural(steps, "repayment step", "repayment steps") : "",
    projects ? plural(projects, "project", "projects") : "",
  ].filter(Boolean);
  return parts.length ? ` Handed over: ${parts.join(", ")}.` : "";
}

/** Deactivating, with the hand-over of what the admin chose (the rest stays with them, orphaned). */
async function deactivate(ctx: Ctx, formData: FormData) {
  const submission = parseSubmission(formData, handoverSchema);
  if (submission.status !== "success") return refuse(submission);
  try {
    const { person, moved } = deactivateWithHandover({
      actor: ctx.actor,
      userId: ctx.userId,
      choices: handoverChoicesOf(submission.value),
    });
    return redirectWithToast(ctx.request, `/people/${ctx.userId}`, {
      kind: "success",
      message: `${person.name} was deactivated and signed out everywhere.${handedText(moved)}`,
    });
  } catch (error) {
    return submissionError(error, submission);
  }
}

/** Handing over a deactivated person's orphaned work. */
async function handover(ctx: Ctx, formData: FormData) {
  const submission = parseSubmission(formData, handoverSchema);
  if (submission.status !== "success") return refuse(submission);
  try {
    const moved = handOverWork({ actor: ctx.actor, userId: ctx.userId, choices: handoverChoicesOf(submission.value) });
    const text = handedText(moved);
    return redirectWithToast(ctx.request, `/people/${ctx.userId}`, {
      kind: text ? "success" : "info",
      message: text ? text.trim() : "Nothing was handed over: choose who takes over, project by project.",
    });
  } catch (error) {
    return submissionError(error, submission);
  }
}

async function setActive(ctx: Ctx, formData: FormData, active: boolean) {
  const submission = parseSubmission(formData, personStatusSchema);
  if (submission.status !== "success") return refuse(submission);
  try {
    const person = setUserActive({ actor: ctx.actor, userId: ctx.userId, active });
    return redirectWithToast(ctx.request, `/people/${ctx.userId}`, {
      kind: "success",
      message: active
        ? `${person.name} can sign in again.`
        : `${person.name} was deactivated and signed out everywhere.`,
    });
  } catch (error) {
    return submissionError(error, submission);
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const admin = requireAdmin(request);
  const userId = personId(params);
  const formData = await readForm(request);
  const ctx: Ctx = { request, actor: toActor(admin), userId };
  const intent = formData.get("intent");
  switch (intent) {
    case "access":
      return access(ctx, formData);
    case "deactivate":
      return deactivate(ctx, formData);
    case "handover":
      return handover(ctx, formData);
    case "reactivate":
      return setActive(ctx, formData, true);
    default:
      throw unknownIntent(intent);
  }
}

export default function Person() {
  const { person, seats, openSignOffs, holdings } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const confirming = searchParams.get("confirm") === "deactivate";
  const confirm = actionData && "confirm" in actionData ? (actionData.confirm as ConfirmChange) : null;
  const [accessForm, accessFields] = useIntentForm({
    intent: "access",
    schema: accessSchema,
    defaultValue: { discipline: person.discipline, role: person.role },
  });
  // The confirmation box only appears with the 409 that asks for it; its errors show on the form above.
  const [confirmForm] = useIntentForm({
    intent: "access",
    id: "form-confirm-access",
    schema: accessSchema,
    lastResult: null,
  });
  const [deactivateForm] = useIntentForm({ intent: "deactivate", schema: handoverSchema });
  const [handoverForm] = useIntentForm({ intent: "handover", id: "handover", schema: handoverSchema });
  const holds = holdingsSummary(holdings);
  const [reactivateForm] = useIntentForm({ intent: "reactivate", schema: personStatusSchema });
  return (
    <>
      <PageHeader
        title={person.name}
        description={
          <>
            {person.email} · {person.active ? <Badge tone="ok">Active</Badge> : <Badge tone="muted">Deactivated</Badge>}
          </>
        }
        actions={<Link to="/people">All people</Link>}
      />
      {confirm ? (
        <Form
          method="post"
          className="confirm-box"
          aria-labelledby="confirm-discipline-title"
          {...getFormProps(confirmForm)}
        >
          <h2 id="confirm-discipline-title">Change {person.name}'s discipline?</h2>
          <input type="hidden" name="discipline" value={confirm.to} />
          <input type="hidden" name="role" value={confirm.role} />
          <input type="hidden" name="version" value={confirm.version} />
          <input type="hidden" name="confirmed" value="true" />
          <p>
            {person.name} moves from {disciplineLabel[confirm.from]} to {disciplineLabel[confirm.to]}. Their{" "}
            {plural(confirm.signOffs, "current sign-off", "current sign-offs")} on open gate reviews
            {confirm.signOffProjects.length ? ` (${confirm.signOffProjects.join(", ")})` : ""} will be withdrawn: they
            were given for {disciplineLabel[confirm.from]}. Their{" "}
            {plural(confirm.seats, "team seat moves", "team seats move")} to {disciplineLabel[confirm.to]}, where they
            can sign again.
          </p>
          <div className="form-actions">
            <SubmitButton intent="access" variant="danger" pendingLabel="Changing…">
              Yes, change discipline
            </SubmitButton>
            <Link to={`/people/${person.id}`}>Cancel</Link>
          </div>
        </Form>
      ) : null}
      <Form method="post" className="form-card" aria-labelledby="access-title" {...getFormProps(accessForm)}>
        <h2 id="access-title">Discipline and role</h2>
        <FormError id={accessForm.errorId} message={formMessage(accessForm, ["version"])} />
        <input type="hidden" name="version" value={person.version} />
        <SelectField
          label="Discipline"
          meta={accessFields.discipline}
          options={optionsOf(disciplineLabel)}
          hint="It decides the seat on every team they are on. Changing it moves their seats and withdraws their current sign-offs on open reviews; you confirm first."
        />
        <SelectField label="Role" meta={accessFields.role} options={optionsOf(roleLabel)} />
        <div className="form-actions">
          <SubmitButton intent="access" pendingLabel="Saving…">
            Save discipline and role
          </SubmitButton>
        </div>
      </Form>
      <section className="card" aria-labelledby="seats-title">
        <h2 id="seats-title">Teams</h2>
        {seats.length === 0 ? (
          <p className="muted">
            {person.name} is not on any project team yet. A project's owner adds them on the project's Team page.
          </p>
        ) : (
          <>
            <ul className="list-plain">
              {seats.map((seat) => (
                <li key={seat.projectId} className="row">
                  <Link to={`/projects/${seat.slug}`}>{seat.name}</Link>
                  <DisciplineBadge discipline={seat.discipline} />
                  <span className="small muted">
                    {stageShortLabel[seat.stage]}
                    {seat.state !== "active" ? `, ${projectStateLabel[seat.state].toLowerCase()}` : ""}
                    {seat.ownerId === person.id ? ", owner" : ""}
                  </span>
                </li>
              ))}
            </ul>
            <p className="small muted">
              {openSignOffs
                ? `${plural(openSignOffs, "current sign-off", "current sign-offs")} on open gate reviews.`
                : "No current sign-offs on open gate reviews."}
            </p>
          </>
        )}
      </section>
      <section className="form-card" aria-labelledby="status-title">
        <h2 id="status-title">Access</h2>
        {person.active ? (
          confirming ? (
            <Form method="post" className="confirm-box" {...getFormProps(deactivateForm)}>
              <FormError id={deactivateForm.errorId} message={deactivateForm.errors?.[0]} />
              <p>
                Deactivate {person.name}? They are signed out at once and cannot sign in until reactivated. Their
                sign-offs and history stay.
              </p>
              {holdings.length ? (
                <>
                  <h3>Hand over their work</h3>
                  <p>
                    {person.name} holds {holds} in open projects. Choose who takes each over; what you keep with them
                    stays theirs, listed under <Link to="/admin/orphans">Orphaned work</Link> until someone takes it.
                  </p>
                  <HandoverFields
                    personName={person.name}
                    holdings={holdings}
                    errors={deactivateForm.allErrors}
                    initial={deactivateForm.initialValue as Record<string, unknown> | undefined}
                  />
                </>
              ) : null}
              {deactivateForm.allErrors.form?.[0] ? (
                <p className="field-error">{deactivateForm.allErrors.form[0]}</p>
              ) : null}
              <div className="form-actions">
                <SubmitButton intent="deactivate" variant="danger" pendingLabel="Deactivating…">
                  Yes, deactivate {person.name}
                </SubmitButton>
                <Link to={`/people/${person.id}`}>Cancel</Link>
              </div>
            </Form>
          ) : (
            <>
              <p>
                {person.name} can sign in.
                {holds ? ` They hold ${holds} in open projects; deactivating them offers to hand it over.` : ""}
              </p>
              <Link className="btn btn-secondary" to="?confirm=deactivate">
                Deactivate…
              </Link>
            </>
          )
        ) : (
          <Form method="post" {...getFormProps(reactivateForm)}>
            <FormError id={reactivateForm.errorId} message={reactivateForm.errors?.[0]} />
            <p>{person.name} cannot sign in.</p>
            <SubmitButton intent="reactivate" variant="secondary" pendingLabel="Reactivating…">
              Reactivate {person.name}
            </SubmitButton>
          </Form>
        )}
      </section>
      {!person.active && holdings.length ? (
        <Form method="post" className="form-card" aria-labelledby="handover-title" {...getFormProps(handoverForm)}>
          <h2 id="handover-title">Hand over their work</h2>
          <FormError id={handoverForm.errorId} message={handoverForm.errors?.[0]} />
          <p>
            {person.name} is deactivated but still holds {holds} in open projects. Choose who takes each over, among the
            project's members.
          </p>
          <HandoverFields
            personName={person.name}
            holdings={holdings}
            errors={handoverForm.allErrors}
            initial={handoverForm.initialValue as Record<string, unknown> | undefined}
          />
          <div className="form-actions">
            <SubmitButton intent="handover" pendingLabel="Handing over…">
              Hand over
            </SubmitButton>
          </div>
        </Form>
      ) : null}
    </>
  );
}
