/**
 * The organisation's gate checklists: admins edit attestations, switch automatic checks, set
 * how many approvals each discipline needs per gate (docs/domain.md, "Sign-off rules"), and
 * when a waiting review reminds and escalates (docs/domain.md, "Notifications").
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { Badge, DisciplineBadge } from "~/components/ui/Badge";
import { Field, SelectField, optionsOf } from "~/components/ui/Field";
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
} from "~/models/gate-templates.server";
import { requireAdmin, toActor } from "~/utils/auth.server";
import { formFailure, parseForm, readForm } from "~/utils/forms";
import { actionError } from "~/utils/http.server";
import { redirectWithToast } from "~/utils/toast.server";
import { gatePolicySchema, idField, templateSchema, versionField, wholeNumber } from "~/utils/validation";

export const meta: MetaFunction = () => [{ title: "Gate checklists · Triad" }];

export async function loader({ request }: LoaderFunctionArgs) {
  requireAdmin(request);
  return {
    stages: GATE_STAGES.map((stage) => ({ stage, templates: listTemplates(stage), policy: getGatePolicy(stage) })),
  };
}

/** The policy form: version 0 means no number was stored yet (the default, 1, applies). */
const policyForm = gatePolicySchema.extend({ stage: z.enum(["pilot", "production"]) });

const templateId = z.object({ templateId: idField("Choose a criterion.") });

const daysMessage = `Enter a whole number of days from ${MIN_TIMING_DAYS} to ${MAX_TIMING_DAYS}.`;
/** Reminders and escalation; the model checks the same (escalation later than the first reminder). */
const timingsForm = z
  .object({
    stage: z.enum(["pilot", "production"]),
    version: gatePolicySchema.shape.version,
    remindAfterDays: wholeNumber(daysMessage, MIN_TIMING_DAYS, MAX_TIMING_DAYS),
    escalateAfterDays: wholeNumber(daysMessage, MIN_TIMING_DAYS, MAX_TIMING_DAYS),
  })
  .refine((v) => v.escalateAfterDays > v.remindAfterDays, {
    path: ["escalateAfterDays"],
    message: "Escalate later than the first reminder: enter more days than for the reminder.",
  });

export async function action({ request }: ActionFunctionArgs) {
  const admin = requireAdmin(request);
  const actor = toActor(admin);
  const formData = await readForm(request);
  const intent = formData.get("intent");
  try {
    if (intent === "add") {
      const parsed = parseForm(templateSchema.extend({ stage: z.enum(["pilot", "production"]) }), formData);
      if (!parsed.ok) return data(parsed, { status: 400 });
      addAttestation({ actor, ...parsed.data });
    } else if (intent === "update") {
      const parsed = parseForm(templateSchema.extend({ ...templateId.shape, version: versionField }), formData);
      if (!parsed.ok) return data(parsed, { status: 400 });
      updateAttestation({ actor, ...parsed.data });
    } else if (intent === "approvals") {
      const parsed = parseForm(policyForm, formData);
      if (!parsed.ok) return data(parsed, { status: 400 });
      setRequiredApprovals({ actor, ...parsed.data });
      const n = parsed.data.requiredApprovals;
      return redirectWithToast(request, "/admin/gates", {
        kind: "success",
        message: `The gate to ${stageShortLabel[parsed.data.stage]} now needs ${n} approval${n === 1 ? "" : "s"} from each discipline. Reviews opened from now on use it; open reviews keep theirs.`,
      });
    } else if (intent === "timings") {
      const parsed = parseForm(timingsForm, formData);
      if (!parsed.ok) return data(parsed, { status: 400 });
      setGateTimings({ actor, ...parsed.data });
      const { remindAfterDays: r, escalateAfterDays: e } = parsed.data;
      return redirectWithToast(request, "/admin/gates", {
        kind: "success",
        message: `Reviews at the gate to ${stageShortLabel[parsed.data.stage]} now remind a discipline that has not approved after ${r} day${r === 1 ? "" : "s"} (and every ${r} after), and tell the owner and admins after ${e}. Open reviews follow it from the next pass.`,
      });
    } else if (intent === "up" || intent === "down") {
      const parsed = parseForm(templateId, formData);
      if (!parsed.ok) return data(parsed, { status: 400 });
      moveTemplate({ actor, templateId: parsed.data.templateId, direction: intent });
    } else if (intent === "activate" || intent === "deactivate") {
      const parsed = parseForm(templateId, formData);
      if (!parsed.ok) return data(parsed, { status: 400 });
      setTemplateActive({ actor, templateId: parsed.data.templateId, active: intent === "activate" });
    } else {
      return data(formFailure(formData, {}, "Unknown action."), { status: 400 });
    }
    return redirectWithToast(request, "/admin/gates", {
      kind: "success",
      message: "Checklist saved. Reviews opened from now on use it; open reviews keep theirs.",
    });
  } catch (error) {
    return actionError(error, formData);
  }
}

const disciplineOptions = [{ value: "", label: "Any member" }, ...optionsOf(disciplineLabel)];

export default function GateTemplates() {
  const { stages } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const editId =
    Number(searchParams.get("edit")) || Number(actionData && !actionData.ok ? actionData.values.templateId : 0);
  const errors = actionData && !actionData.ok ? actionData.fieldErrors : {};
  const values = actionData && !actionData.ok ? actionData.values : {};
  return (
    <>
      <PageHeader
        title="Gate checklists"
        description="The criteria each gate review starts with. Automatic checks are computed from the data; attestations are ticked by a member with a note."
      />
      <FormError message={actionData && !actionData.ok ? actionData.formError : null} />
      {stages.map(({ stage, templates, policy }) => (
        <section key={stage} className="card" aria-labelledby={`gate-${stage}`}>
          <h2 id={`gate-${stage}`}>Gate to {stageShortLabel[stage]}</h2>
          <Form method="post" noValidate className="form-card" aria-labelledby={`approvals-${stage}`}>
            <h3 id={`approvals-${stage}`}>Approvals needed from each discipline</h3>
            <input type="hidden" name="stage" value={stage} />
            <input type="hidden" name="version" value={policy.version} />
            <Field
              label={`Approvals per discipline at the gate to ${stageShortLabel[stage]}`}
              name="requiredApprovals"
              type="number"
              min={1}
              max={5}
              step={1}
              inputMode="numeric"
              defaultValue={
                values.intent === "approvals" && values.stage === stage
                  ? values.requiredApprovals
                  : policy.requiredApprovals
              }
              error={values.intent === "approvals" && values.stage === stage ? errors.requiredApprovals : undefined}
              hint="From 1 to 5. Business, data science and IT operations each need this many approvals from their members, and no open “changes requested”. It applies to reviews opened afterwards; open reviews keep the number they were opened with."
            />
            <button type="submit" name="intent" value="approvals" className="btn btn-primary">
              Save approvals<span className="sr-only"> for the gate to {stageShortLabel[stage]}</span>
            </button>
          </Form>
          <Form method="post" noValidate className="form-card" aria-labelledby={`timings-${stage}`}>
            <h3 id={`timings-${stage}`}>Reminders and escalation</h3>
            <input type="hidden" name="stage" value={stage} />
            <input type="hidden" name="version" value={policy.version} />
            <Field
              label={`Remind after (days) at the gate to ${stageShortLabel[stage]}`}
              name="remindAfterDays"
              type="number"
              min={MIN_TIMING_DAYS}
              max={MAX_TIMING_DAYS}
              step={1}
              inputMode="numeric"
              defaultValue={
                values.intent === "timings" && values.stage === stage ? values.remindAfterDays : policy.remindAfterDays
              }
              error={values.intent === "timings" && values.stage === stage ? errors.remindAfterDays : undefined}
              hint={`From ${MIN_TIMING_DAYS} to ${MAX_TIMING_DAYS}. The members of a discipline that has not approved an open review are reminded after this many days, and every as many days after.`}
            />
            <Field
              label={`Escalate after (days) at the gate to ${stageShortLabel[stage]}`}
              name="escalateAfterDays"
              type="number"
              min={MIN_TIMING_DAYS}
              max={MAX_TIMING_DAYS}
              step={1}
              inputMode="numeric"
              defaultValue={
                values.intent === "timings" && values.stage === stage
                  ? values.escalateAfterDays
                  : policy.escalateAfterDays
              }
              error={values.intent === "timings" && values.stage === stage ? errors.escalateAfterDays : undefined}
              hint="More days than the reminder. After this many days the project owner and the admins are told, once per waiting discipline. Open reviews follow a change at once."
            />
            <button type="submit" name="intent" value="timings" className="btn btn-primary">
              Save reminders<span className="sr-only"> for the gate to {stageShortLabel[stage]}</span>
            </button>
          </Form>
          <ol className="criteria">
            {templates.map((t, i) => (
              <li key={t.id} className={t.active ? "met" : "unmet"}>
                {editId === t.id && t.kind === "attestation" ? (
                  <Form method="post" noValidate>
                    <input type="hidden" name="templateId" value={t.id} />
                    <input type="hidden" name="version" value={t.version} />
                    <Field label="Criterion" name="label" defaultValue={values.label ?? t.label} error={errors.label} />
                    <SelectField
                      label="Who attests"
                      name="discipline"
                      options={disciplineOptions}
                      defaultValue={values.discipline ?? t.discipline ?? ""}
                    />
                    <div className="form-actions">
                      <button type="submit" name="intent" value="update" className="btn btn-primary">
                        Save criterion
                      </button>
                      <Link to="/admin/gates">Cancel</Link>
                    </div>
                  </Form>
                ) : (
                  <>
                    <div className="row">
                      <span className="criterion-label">{t.label}</span>
                      <Badge tone="muted">{t.kind === "auto" ? "Automatic" : "Attestation"}</Badge>
                      {t.discipline ? <DisciplineBadge discipline={t.discipline} /> : null}
                      {!t.active ? <Badge tone="warn">{t.kind === "auto" ? "Switched off" : "Retired"}</Badge> : null}
                    </div>
                    <Form method="post" className="row small">
                      <input type="hidden" name="templateId" value={t.id} />
                      <button type="submit" name="intent" value="up" className="btn btn-link" disabled={i === 0}>
                        Move up<span className="sr-only">: {t.label}</span>
                      </button>
                      <button
                        type="submit"
                        name="intent"
                        value="down"
                        className="btn btn-link"
                        disabled={i === templates.length - 1}
                      >
                        Move down<span className="sr-only">: {t.label}</span>
                      </button>
                      {t.kind === "attestation" ? (
                        <Link to={`?edit=${t.id}`}>
                          Edit<span className="sr-only">: {t.label}</span>
                        </Link>
                      ) : null}
                      <button
                        type="submit"
                        name="intent"
                        value={t.active ? "deactivate" : "activate"}
                        className="btn btn-link"
                      >
                        {t.kind === "auto" ? (t.active ? "Switch off" : "Switch on") : t.active ? "Retire" : "Restore"}
                        <span className="sr-only">: {t.label}</span>
                      </button>
                    </Form>
                  </>
                )}
              </li>
            ))}
          </ol>
          <Form method="post" noValidate className="form-card">
            <input type="hidden" name="stage" value={stage} />
            <h3>Add an attestation to the gate to {stageShortLabel[stage]}</h3>
            <Field
              label="Criterion"
              name="label"
              defaultValue={values.stage === stage ? values.label : ""}
              error={values.stage === stage ? errors.label : undefined}
            />
            <SelectField label="Who attests" name="discipline" options={disciplineOptions} defaultValue="" />
            <button type="submit" name="intent" value="add" className="btn btn-primary">
              Add criterion
            </button>
          </Form>
        </section>
      ))}
    </>
  );
}
