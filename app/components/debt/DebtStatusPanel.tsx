/**
 * Status changes by hand. Repaid needs a note, accepted a justification and a review date;
 * both, and reopening, ask first through a `?confirm=` link, so they work without JavaScript.
 * Written-off debt (its project was stopped) shows why and no longer changes. Every form here
 * sends intent `status` with the status it asks for (`to`); a refusal comes back to the form
 * that asked for that status.
 */
import { getFormProps } from "@conform-to/react";
import { Form, Link } from "@remix-run/react";
import type { DEBT_STATUSES } from "~/domain/vocabulary";
import { Field, TextareaField } from "~/components/ui/Field";
import { formMessage, SubmitButton, useIntentForm } from "~/components/ui/Form";
import { FormError } from "~/components/ui/FormError";
import { debtStatusFormSchema } from "~/utils/debt-validation";
import type { FormResult } from "~/utils/forms";
import { DebtStatusBadge } from "./DebtBadges";
import { DateTime } from "~/components/ui/DateTime";
import { sentValue, useSentBy } from "./results";

type DebtStatus = (typeof DEBT_STATUSES)[number];
export type Confirming = "repaid" | "accept" | "reopen" | null;

const isUnsettled = (status: DebtStatus) => status === "open" || status === "repaying";

/**
 * The statuses the panel offers as forms right now (the `to` of each form it shows): one
 * confirmation, or "Start repaying" on an open item. The page shows a refusal for any other
 * status above everything.
 */
export function statusFormsShown(status: DebtStatus, canWrite: boolean, confirming: Confirming): DebtStatus[] {
  if (status === "written_off" || !canWrite) return [];
  if (confirming === "repaid" && isUnsettled(status)) return ["repaid"];
  if (confirming === "accept" && isUnsettled(status)) return ["accepted"];
  if (confirming === "reopen" && !isUnsettled(status)) return ["open"];
  return status === "open" ? ["repaying"] : [];
}

/** The Conform form of the status form asking for `to`; it shows `result` only if that asked for `to` too. */
function useStatusForm(to: DebtStatus, result: FormResult | null, id = `form-status-${to}`) {
  return useIntentForm({
    intent: "status",
    schema: debtStatusFormSchema,
    id,
    lastResult: result && sentValue(result, "to") === to ? result : null,
  });
}

type StatusItem = {
  title: string;
  status: DebtStatus;
  version: number;
  statusNote: string | null;
  repaidAt: number | null;
  writtenOffAt?: number | null;
  acceptedJustification: string | null;
  acceptedReviewDate: string | null;
};

export function DebtStatusPanel({
  item,
  canWrite,
  confirming,
  result,
}: {
  item: StatusItem;
  canWrite: boolean;
  confirming: Confirming;
  /** The refusal of a status form of this panel (intent `status`), if any. */
  result: FormResult | null;
}) {
  const shown = statusFormsShown(item.status, canWrite, confirming);
  const unsettled = isUnsettled(item.status);
  return (
    <section className="card" aria-labelledby="status-title">
      <h2 id="status-title">Status</h2>
      <p>
        <DebtStatusBadge status={item.status} />{" "}
        {item.status === "repaid" && item.repaidAt ? (
          <>
            since <DateTime at={item.repaidAt} dateOnly />
          </>
        ) : null}
        {item.status === "accepted" && item.acceptedReviewDate ? `until a review on ${item.acceptedReviewDate}` : null}
        {item.status === "written_off" && item.writtenOffAt ? (
          <>
            since <DateTime at={item.writtenOffAt} dateOnly />, when the project was stopped
          </>
        ) : null}
      </p>
      {item.status === "accepted" && item.acceptedJustification ? (
        <p>
          <strong>Why it is kept:</strong> {item.acceptedJustification}
        </p>
      ) : null}
      {item.statusNote ? (
        <p>
          <strong>{item.status === "written_off" ? "Why it was written off:" : "Note:"}</strong> {item.statusNote}
        </p>
      ) : null}
      {item.status === "written_off" ? (
        <p className="muted">
          Written-off debt no longer costs interest and no longer changes. Log a new item if the debt is still there.
        </p>
      ) : !canWrite ? null : shown.includes("repaid") ? (
        <ConfirmRepaid item={item} result={result} />
      ) : shown.includes("accepted") ? (
        <ConfirmAccept item={item} result={result} />
      ) : shown.includes("open") ? (
        <ConfirmReopen item={item} result={result} />
      ) : (
        <div className="form-actions">
          {shown.includes("repaying") ? <StartRepaying item={item} result={result} /> : null}
          {unsettled ? (
            <>
              <Link className="btn btn-secondary" to="?confirm=repaid">
                Mark repaid…
              </Link>
              <Link className="btn btn-secondary" to="?confirm=accept">
                Accept…
              </Link>
            </>
          ) : (
            <Link className="btn btn-secondary" to="?confirm=reopen">
              Reopen…
            </Link>
          )}
        </div>
      )}
    </section>
  );
}

type FormProps = { item: Pick<StatusItem, "title" | "version">; result: FormResult | null };

/** The hidden fields of a status form: the version read and the status asked for. */
function StatusHidden({ version, to }: { version: number; to: DebtStatus }) {
  return (
    <>
      <input type="hidden" name="version" value={version} />
      <input type="hidden" name="to" value={to} />
    </>
  );
}

/** Its submit button: "working" only on the form that was sent (several status forms may be on the page). */
function StatusButton({
  to,
  pendingLabel,
  variant,
  children,
}: {
  to: DebtStatus;
  pendingLabel: string;
  variant?: "primary" | "secondary";
  children: string;
}) {
  const sent = useSentBy("to", to);
  return (
    <SubmitButton intent="status" variant={variant} pendingLabel={sent ? pendingLabel : children}>
      {children}
    </SubmitButton>
  );
}

function ConfirmRepaid({ item, result }: FormProps) {
  const [form, fields] = useStatusForm("repaid", result);
  return (
    <Form method="post" className="confirm-box debt-confirm" aria-label="Mark repaid" {...getFormProps(form)}>
      <FormError id={form.errorId} message={formMessage(form, ["version", "to"])} />
      <StatusHidden version={item.version} to="repaid" />
      <p>Mark “{item.title}” repaid? Open steps stay as they are; the history keeps everything.</p>
      <TextareaField label="How was it repaid?" meta={fields.note} required />
      <div className="form-actions">
        <StatusButton to="repaid" pendingLabel="Marking repaid…">
          Yes, mark repaid
        </StatusButton>
        <Link to=".">Cancel</Link>
      </div>
    </Form>
  );
}

function ConfirmAccept({ item, result }: FormProps) {
  const [form, fields] = useStatusForm("accepted", result);
  return (
    <Form method="post" className="confirm-box debt-confirm" aria-label="Accept this debt" {...getFormProps(form)}>
      <FormError id={form.errorId} message={formMessage(form, ["version", "to"])} />
      <StatusHidden version={item.version} to="accepted" />
      <p>
        Accept “{item.title}”? It stays in the register, keeps costing interest, and is reviewed on the date you set.
      </p>
      <TextareaField
        label="Justification"
        meta={fields.justification}
        required
        hint="Why the team keeps this debt on purpose."
      />
      <Field label="Review date" meta={fields.reviewDate} type="date" required />
      <div className="form-actions">
        <StatusButton to="accepted" pendingLabel="Accepting…">
          Yes, accept this debt
        </StatusButton>
        <Link to=".">Cancel</Link>
      </div>
    </Form>
  );
}

function ConfirmReopen({ item, result }: FormProps) {
  const [form, fields] = useStatusForm("open", result);
  return (
    <Form method="post" className="confirm-box debt-confirm" aria-label="Reopen" {...getFormProps(form)}>
      <FormError id={form.errorId} message={formMessage(form, ["version", "to"])} />
      <StatusHidden version={item.version} to="open" />
      <p>Reopen “{item.title}”? It counts as open debt again.</p>
      <TextareaField label="Why reopen it?" meta={fields.note} />
      <div className="form-actions">
        <StatusButton to="open" pendingLabel="Reopening…">
          Yes, reopen
        </StatusButton>
        <Link to=".">Cancel</Link>
      </div>
    </Form>
  );
}

function StartRepaying({ item, result }: FormProps) {
  const [form] = useStatusForm("repaying", result);
  return (
    <Form method="post" className="inline-form" {...getFormProps(form)}>
      <FormError id={form.errorId} message={formMessage(form, ["version", "to"])} />
      <StatusHidden version={item.version} to="repaying" />
      <StatusButton to="repaying" variant="secondary" pendingLabel="Starting…">
        Start repaying
      </StatusButton>
    </Form>
  );
}

/**
 * The last step was ticked: the item is not repaid until someone says how. The same status
 * change as "Mark repaid…" (intent `status`, to `repaid`, a note), shown first on the page.
 */
export function RepaidProposal({ item, result }: FormProps) {
  const [form, fields] = useStatusForm("repaid", result, "form-status-proposal");
  return (
    <section className="card confirm-box debt-confirm" aria-labelledby="propose-title">
      <h2 id="propose-title">All steps are done. Mark the item repaid?</h2>
      <p>“{item.title}” stays open until you mark it repaid. Nothing else changes.</p>
      <Form method="post" aria-label="Mark repaid" {...getFormProps(form)}>
        <FormError id={form.errorId} message={formMessage(form, ["version", "to"])} />
        <StatusHidden version={item.version} to="repaid" />
        <TextareaField label="How was it repaid?" meta={fields.note} required />
        <div className="form-actions">
          <StatusButton to="repaid" pendingLabel="Marking repaid…">
            Yes, mark repaid
          </StatusButton>
          <Link to=".">Not yet</Link>
        </div>
      </Form>
    </section>
  );
}
