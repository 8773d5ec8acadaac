/**
 * The organisation's gate checklists: admins edit attestations, switch automatic checks, set
 * how many approvals each discipline needs per gate (docs/domain.md, "Sign-off rules"), and
 * when a waiting review reminds and escalates (docs/domain.md, "Notifications").
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { getFormProps } from "@conform-to/react";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import type { z } from "zod";
import { Badge, DisciplineBadge } from "~/components/ui/Badge";
import { Field, SelectField, optionsOf } from "~/components/ui/Field";
import { formMessage, SubmitButton, useIntentForm, useRowSubmission } from "~/components/ui/Form";
import { FormError } from "~/components/ui/FormError";
import { PageHeader } from "~/components/ui/PageHeader";
import { disciplineLabel, stageShortLabel } from "~/domain/labels";
import { MAX_TIMING_DAYS, MIN_TIMING_DAYS } from "~/domain/reminders";
import {
  addAttestation,
  GATE_STAGES,
  getGatePolicy,
  listTemplates,
  moveTemplate,
  setGateTimings,
  setRequiredApprovals,
  setTemplateActive,
  updateAttestation,
  type GateStage,
} from "~/models/gate-templates.server";
import {
  addAttestationSchema,
  approvalsSchema,
  templateIdSchema,
  timingsSchema,
  updateAttestationSchema,
} from "~/utils/admin-validation";
import { requireAdmin, toActor } from "~/utils/auth.server";
import { parseSubmission, readForm, resultFor, rowResult } from "~/utils/forms";
import { refuse, submissionError, unknownIntent } from "~/utils/http.server";
import { redirectWithToast } from "~/utils/toast.server";

export const meta: MetaFunction = () => [{ title: "Gate checklists · Triad" }];

export async function loader({ request }: LoaderFunctionArgs) {
  requireAdmin(request);
  return {
    stages: GATE_STAGES.map((stage) => ({ stage, templates: listTemplates(stage), policy: getGatePolicy(stage) })),
  };
}

type Ctx = { request: Request; actor: ReturnType<typeof toActor> };

const CHECKLIST_SAVED = "Checklist saved. Reviews opened from now on use it; open reviews keep theirs.";

/**
 * One handler for each change of the checklist: parse with the intent's schema, refuse with
 * the messages next to the fields, or make the change and say what it did.
 */
async function change<S extends z.ZodType>(
  ctx: Ctx,
  formData: FormData,
  schema: S,
  apply: (value: z.output<S>) => string,
) {
  const submission = parseSubmission(formData, schema);
  if (submission.status !== "success") return refuse(submission);
  let message: string;
  try {
    message = apply(submission.value as z.output<S>);
  } catch (error) {
    return submissionError(error, submission);
  }
  return redirectWithToast(ctx.request, "/admin/gates", { kind: "success", message });
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export async function action({ request }: ActionFunctionArgs) {
  const admin = requireAdmin(request);
  const ctx: Ctx = { request, actor: toActor(admin) };
  const { actor } = ctx;
  const formData = await readForm(request);
  const intent = formData.get("intent");
  switch (intent) {
    case "add":
      return change(ctx, formData, addAttestationSchema, (value) => {
        addAttestation({ actor, ...value });
        return CHECKLIST_SAVED;
      });
    case "update":
      return change(ctx, formData, updateAttestationSchema, (value) => {
        updateAttestation({ actor, ...value });
        return CHECKLIST_SAVED;
      });
    case "approvals":
      return change(ctx, formData, approvalsSchema, (value) => {
        setRequiredApprovals({ actor, ...value });
        return `The gate to ${stageShortLabel[value.stage]} now needs ${plural(value.requiredApprovals, "approval")} from each discipline. Reviews opened from now on use it; open reviews keep theirs.`;
      });
    case "timings":
      return change(ctx, formData, timingsSchema, (value) => {
        setGateTimings({ actor, ...value });
        const { remindAfterDays: r, escalateAfterDays: e } = value;
        return `Reviews at the gate to ${stageShortLabel[value.stage]} now remind a discipline that has not approved after ${plural(r, "day")} (and every ${r} after), and tell the owner and admins after ${e}. Open reviews follow it from the next pass.`;
      });
    case "up":
    case "down":
      return change(ctx, formData, templateIdSchema, ({ templateId }) => {
        moveTemplate({ actor, templateId, direction: intent });
        return CHECKLIST_SAVED;
      });
    case "activate":
    case "deactivate":
      return change(ctx, formData, templateIdSchema, ({ templateId }) => {
        setTemplateActive({ actor, templateId, active: intent === "activate" });
        return CHECKLIST_SAVED;
      });
    default:
      throw unknownIntent(intent);
  }
}

const disciplineOptions = [{ value: "", label: "Any member" }, ...optionsOf(disciplineLabel)];

type Policy = { requiredApprovals: number; remindAfterDays: number; escalateAfterDays: number; version: number };

function ApprovalsForm({ stage, policy }: { stage: GateStage; policy: Policy }) {
  const [form, fields] = useIntentForm({
    intent: "approvals",
    id: `form-approvals-${stage}`,
    schema: approvalsSchema,
    defaultValue: { requiredApprovals: String(policy.requiredApprovals) },
    lastResult: rowResult(useActionData(), ["approvals"], "stage", stage),
  });
  const sending = useRowSubmission("stage", stage);
  return (
    <Form method="post" className="form-card" aria-labelledby={`approvals-${stage}`} {...getFormProps(form)}>
      <h3 id={`approvals-${stage}`}>Approvals needed from each discipline</h3>
      <FormError id={form.errorId} message={formMessage(form, ["version"])} />
      <input type="hidden" name="stage" value={stage} />
      <input type="hidden" name="version" value={policy.version} />
      <Field
        label={`Approvals per discipline at the gate to ${stageShortLabel[stage]}`}
        meta={fields.requiredApprovals}
        type="number"
        min={1}
        max={5}
        step={1}
        inputMode="numeric"
        hint="From 1 to 5. Business, data science and IT operations each need this many approvals from their members, and no open “changes requested”. It applies to reviews opened afterwards; open reviews keep the number they were opened with."
      />
      <SubmitButton intent="approvals" pendingLabel="Saving…" fetcher={sending}>
        Save approvals<span className="sr-only"> for the gate to {stageShortLabel[stage]}</span>
      </SubmitButton>
    </Form>
  );
}

function TimingsForm({ stage, policy }: { stage: GateStage; policy: Policy }) {
  const [form, fields] = useIntentForm({
    intent: "timings",
    id: `form-timings-${stage}`,
    schema: timingsSchema,
    defaultValue: {
      remindAfterDays: String(policy.remindAfterDays),
      escalateAfterDays: String(policy.escalateAfterDays),
    },
    lastResult: rowResult(useActionData(), ["timings"], "stage", stage),
  });
  const sending = useRowSubmission("stage", stage);
  return (
    <Form method="post" className="form-card" aria-labelledby={`timings-${stage}`} {...getFormProps(form)}>
      <h3 id={`timings-${stage}`}>Reminders and escalation</h3>
      <FormError id={form.errorId} message={formMessage(form, ["version"])} />
      <input type="hidden" name="stage" value={stage} />
      <input type="hidden" name="version" value={policy.version} />
      <Field
        label={`Remind after (days) at the gate to ${stageShortLabel[stage]}`}
        meta={fields.remindAfterDays}
        type="number"
        min={MIN_TIMING_DAYS}
        max={MAX_TIMING_DAYS}
        step={1}
        inputMode="numeric"
        hint={`From ${MIN_TIMING_DAYS} to ${MAX_TIMING_DAYS}. The members of a discipline that has not approved an open review are reminded after this many days, and every as many days after.`}
      />
      <Field
        label={`Escalate after (days) at the gate to ${stageShortLabel[stage]}`}
        meta={fields.escalateAfterDays}
        type="number"
        min={MIN_TIMING_DAYS}
        max={MAX_TIMING_DAYS}
        step={1}
        inputMode="numeric"
        hint="More days than the reminder. After this many days the project owner and the admins are told, once per waiting discipline. Open reviews follow a change at once."
      />
      <SubmitButton intent="timings" pendingLabel="Saving…" fetcher={sending}>
        Save reminders<span className="sr-only"> for the gate to {stageShortLabel[stage]}</span>
      </SubmitButton>
    </Form>
  );
}

function AddAttestationForm({ stage }: { stage: GateStage }) {
  const [form, fields] = useIntentForm({
    intent: "add",
    id: `form-add-${stage}`,
    schema: addAttestationSchema,
    defaultValue: { discipline: "" },
    lastResult: rowResult(useActionData(), ["add"], "stage", stage),
  });
  const sending = useRowSubmission("stage", stage);
  return (
    <Form method="post" className="form-card" {...getFormProps(form)}>
      <input type="hidden" name="stage" value={stage} />
      <h3>Add an attestation to the gate to {stageShortLabel[stage]}</h3>
      <FormError id={form.errorId} message={form.errors?.[0]} />
      <Field label="Criterion" meta={fields.label} />
      <SelectField label="Who attests" meta={fields.discipline} options={disciplineOptions} />
      <SubmitButton intent="add" pendingLabel="Adding…" fetcher={sending}>
        Add criterion
      </SubmitButton>
    </Form>
  );
}

type Template = {
  id: number;
  label: string;
  kind: string;
  discipline: string | null;
  active: boolean;
  version: number;
};

function EditAttestationForm({ template: t }: { template: Template }) {
  const [form, fields] = useIntentForm({
    intent: "update",
    id: `form-update-${t.id}`,
    schema: updateAttestationSchema,
    defaultValue: { label: t.label, discipline: t.discipline ?? "" },
    lastResult: rowResult(useActionData(), ["update"], "templateId", t.id),
  });
  return (
    <Form method="post" {...getFormProps(form)}>
      <FormError id={form.errorId} message={formMessage(form, ["templateId", "version"])} />
      <input type="hidden" name="templateId" value={t.id} />
      <input type="hidden" name="version" value={t.version} />
      <Field label="Criterion" meta={fields.label} />
      <SelectField label="Who attests" meta={fields.discipline} options={disciplineOptions} />
      <div className="form-actions">
        <SubmitButton intent="update" pendingLabel="Saving…">
          Save criterion
        </SubmitButton>
        <Link to="/admin/gates">Cancel</Link>
      </div>
    </Form>
  );
}

/** Move up, move down, retire or restore (switch off or on): one form, a button per intent. */
function TemplateActionsForm({ template: t, first, last }: { template: Template; first: boolean; last: boolean }) {
  const [form] = useIntentForm({
    intent: "row",
    id: `form-row-${t.id}`,
    schema: templateIdSchema,
    lastResult: rowResult(useActionData(), ["up", "down", "activate", "deactivate"], "templateId", t.id),
  });
  const sending = useRowSubmission("templateId", t.id);
  return (
    <Form method="post" className="row small" {...getFormProps(form)}>
      <FormError id={form.errorId} message={formMessage(form, ["templateId"])} />
      <input type="hidden" name="templateId" value={t.id} />
      <SubmitButton intent="up" variant="link" pendingLabel="Moving…" disabled={first} fetcher={sending}>
        Move up<span className="sr-only">: {t.label}</span>
      </SubmitButton>
      <SubmitButton intent="down" variant="link" pendingLabel="Moving…" disabled={last} fetcher={sending}>
        Move down<span className="sr-only">: {t.label}</span>
      </SubmitButton>
      {t.kind === "attestation" ? (
        <Link to={`?edit=${t.id}`}>
          Edit<span className="sr-only">: {t.label}</span>
        </Link>
      ) : null}
      <SubmitButton
        intent={t.active ? "deactivate" : "activate"}
        variant="link"
        pendingLabel="Saving…"
        fetcher={sending}
      >
        {t.kind === "auto" ? (t.active ? "Switch off" : "Switch on") : t.active ? "Retire" : "Restore"}
        <span className="sr-only">: {t.label}</span>
      </SubmitButton>
    </Form>
  );
}

export default function GateTemplates() {
  const { stages } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  // The criterion being edited: from the address, or the one whose edit was just refused.
  const refusedEdit = resultFor(useActionData(), "update");
  const editId = Number(searchParams.get("edit")) || Number(refusedEdit?.initialValue?.templateId ?? 0);
  return (
    <>
      <PageHeader
        title="Gate checklists"
        description="The criteria each gate review starts with. Automatic checks are computed from the data; attestations are ticked by a member with a note."
      />
      {stages.map(({ stage, templates, policy }) => (
        <section key={stage} className="card" aria-labelledby={`gate-${stage}`}>
          <h2 id={`gate-${stage}`}>Gate to {stageShortLabel[stage]}</h2>
          <ApprovalsForm stage={stage} policy={policy} />
          <TimingsForm stage={stage} policy={policy} />
          <ol className="criteria">
            {templates.map((t, i) => (
              <li key={t.id} className={t.active ? "met" : "unmet"}>
                {editId === t.id && t.kind === "attestation" ? (
                  <EditAttestationForm template={t} />
                ) : (
                  <>
                    <div className="row">
                      <span className="criterion-label">{t.label}</span>
                      <Badge tone="muted">{t.kind === "auto" ? "Automatic" : "Attestation"}</Badge>
                      {t.discipline ? <DisciplineBadge discipline={t.discipline} /> : null}
                      {!t.active ? <Badge tone="warn">{t.kind === "auto" ? "Switched off" : "Retired"}</Badge> : null}
                    </div>
                    <TemplateActionsForm template={t} first={i === 0} last={i === templates.length - 1} />
                  </>
                )}
              </li>
            ))}
          </ol>
          <AddAttestationForm stage={stage} />
        </section>
      ))}
    </>
  );
}
