/**
 * Status changes by hand. Repaid needs a note, accepted a justification and a review date;
 * both, and reopening, ask first through a `?confirm=` link, so they work without JavaScript.
 * Written-off debt (its project was stopped) shows why and no longer changes.
 */
import { Form, Link } from "@remix-run/react";
import type { DEBT_STATUSES } from "~/domain/vocabulary";
import { Field, TextareaField } from "~/components/ui/Field";
import { DebtStatusBadge } from "./DebtBadges";
import { formatDay } from "./format";

type DebtStatus = (typeof DEBT_STATUSES)[number];
export type Confirming = "repaid" | "accept" | "reopen" | null;

export function DebtStatusPanel({
  item,
  canWrite,
  confirming,
  errors,
  values,
}: {
  item: {
    title: string;
    status: DebtStatus;
    version: number;
    statusNote: string | null;
    repaidAt: number | null;
    writtenOffAt?: number | null;
    acceptedJustification: string | null;
    acceptedReviewDate: string | null;
  };
  canWrite: boolean;
  confirming: Confirming;
  errors: Record<string, string>;
  values: Record<string, string>;
}) {
  const unsettled = item.status === "open" || item.status === "repaying";
  return (
    <section className="card" aria-labelledby="status-title">
      <h2 id="status-title">Status</h2>
      <p>
        <DebtStatusBadge status={item.status} />{" "}
        {item.status === "repaid" && item.repaidAt ? `since ${formatDay(item.repaidAt)}` : null}
        {item.status === "accepted" && item.acceptedReviewDate ? `until a review on ${item.acceptedReviewDate}` : null}
        {item.status === "written_off" && item.writtenOffAt
          ? `since ${formatDay(item.writtenOffAt)}, when the project was stopped`
          : null}
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
      ) : !canWrite ? null : confirming === "repaid" && unsettled ? (
        <Form method="post" noValidate className="confirm-box debt-confirm" aria-label="Mark repaid">
          <input type="hidden" name="version" value={item.version} />
          <input type="hidden" name="to" value="repaid" />
          <p>Mark “{item.title}” repaid? Open steps stay as they are; the history keeps everything.</p>
          <TextareaField
            label="How was it repaid?"
            name="note"
            required
            defaultValue={values.note ?? ""}
            error={errors.note}
          />
          <div className="form-actions">
            <button type="submit" name="intent" value="status" className="btn btn-primary">
              Yes, mark repaid
            </button>
            <Link to=".">Cancel</Link>
          </div>
        </Form>
      ) : confirming === "accept" && unsettled ? (
        <Form method="post" noValidate className="confirm-box debt-confirm" aria-label="Accept this debt">
          <input type="hidden" name="version" value={item.version} />
          <input type="hidden" name="to" value="accepted" />
          <p>
            Accept “{item.title}”? It stays in the register, keeps costing interest, and is reviewed on the date you
            set.
          </p>
          <TextareaField
            label="Justification"
            name="justification"
            required
            defaultValue={values.justification ?? ""}
            error={errors.justification}
            hint="Why the team keeps this debt on purpose."
          />
          <Field
            label="Review date"
            name="reviewDate"
            type="date"
            required
            defaultValue={values.reviewDate ?? ""}
            error={errors.reviewDate}
          />
          <div className="form-actions">
            <button type="submit" name="intent" value="status" className="btn btn-primary">
              Yes, accept this debt
            </button>
            <Link to=".">Cancel</Link>
          </div>
        </Form>
      ) : confirming === "reopen" && !unsettled ? (
        <Form method="post" noValidate className="confirm-box debt-confirm" aria-label="Reopen">
          <input type="hidden" name="version" value={item.version} />
          <input type="hidden" name="to" value="open" />
          <p>Reopen “{item.title}”? It counts as open debt again.</p>
          <TextareaField label="Why reopen it?" name="note" defaultValue={values.note ?? ""} error={errors.note} />
          <div className="form-actions">
            <button type="submit" name="intent" value="status" className="btn btn-primary">
              Yes, reopen
            </button>
            <Link to=".">Cancel</Link>
          </div>
        </Form>
      ) : (
        <div className="form-actions">
          {item.status === "open" ? (
            <Form method="post" className="inline-form">
              <input type="hidden" name="version" value={item.version} />
              <input type="hidden" name="to" value="repaying" />
              <button type="submit" name="intent" value="status" className="btn btn-secondary">
                Start repaying
              </button>
            </Form>
          ) : null}
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
