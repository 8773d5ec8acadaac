/**
 * The hand-over of a person's work (docs/domain.md, "Hand-over on departure"): for each open
 * project where they own the project, open debt items or repayment steps, a select per kind
 * saying who takes it over, among the project's active members. Left empty, it stays with them
 * (orphaned once they are deactivated). Field names: app/utils/handover-validation.ts.
 */
import { Link } from "@remix-run/react";
import { SelectField } from "~/components/ui/Field";

export type HoldingView = {
  project: { id: number; slug: string; name: string };
  ownership: boolean;
  items: Array<{ id: number; title: string }>;
  steps: Array<{ id: number; title: string; position: number; itemId: number; itemTitle: string }>;
  candidates: Array<{ id: number; name: string }>;
};

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
const SHOWN = 5;

/** What a person holds, in one line: "2 projects, 5 open debt items and 3 repayment steps". */
export function holdingsSummary(holdings: readonly HoldingView[]): string {
  const projects = holdings.filter((h) => h.ownership).length;
  const items = holdings.reduce((n, h) => n + h.items.length, 0);
  const steps = holdings.reduce((n, h) => n + h.steps.length, 0);
  const parts = [
    projects ? plural(projects, "project", "projects") : null,
    items ? plural(items, "open debt item", "open debt items") : null,
    steps ? plural(steps, "repayment step", "repayment steps") : null,
  ].filter((p): p is string => p !== null);
  return parts.length > 1 ? `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}` : (parts[0] ?? "");
}

export function HandoverFields({
  personName,
  holdings,
  errors,
  initial,
}: {
  personName: string;
  holdings: readonly HoldingView[];
  /** The form's errors by field name (`items.12`). */
  errors: Record<string, string[] | undefined>;
  /** The values sent, after a refusal: `{ items: { "12": "5" } }`. */
  initial: Record<string, unknown> | undefined;
}) {
  const sent = (kind: string, projectId: number) => {
    const group = initial?.[kind];
    const value =
      group && typeof group === "object" ? (group as Record<string, unknown>)[String(projectId)] : undefined;
    return typeof value === "string" ? value : "";
  };
  return (
    <>
      {holdings.map((h) => {
        const id = h.project.id;
        const options = h.candidates.map((c) => ({ value: String(c.id), label: c.name }));
        const select = (kind: "items" | "steps" | "ownership", label: string) => (
          <SelectField
            key={`${kind}-${id}-${sent(kind, id)}`}
            label={label}
            name={`${kind}.${id}`}
            options={options}
            placeholder={`Keep with ${personName}`}
            defaultValue={sent(kind, id)}
            error={errors[`${kind}.${id}`]?.[0]}
          />
        );
        return (
          <fieldset key={id} className="handover-project">
            <legend>
              <Link to={`/projects/${h.project.slug}`}>{h.project.name}</Link>
            </legend>
            <ul className="small list-plain">
              {h.ownership ? <li>{personName} owns this project.</li> : null}
              {h.items.length ? (
                <li>
                  {plural(h.items.length, "open debt item", "open debt items")}:{" "}
                  {h.items.slice(0, SHOWN).map((item, i) => (
                    <span key={item.id}>
                      {i ? ", " : ""}
                      <Link to={`/projects/${h.project.slug}/debt/${item.id}`}>{item.title}</Link>
                    </span>
                  ))}
                  {h.items.length > SHOWN ? ` and ${h.items.length - SHOWN} more` : ""}
                </li>
              ) : null}
              {h.steps.length ? (
                <li>
                  {plural(h.steps.length, "repayment step", "repayment steps")}:{" "}
                  {h.steps.slice(0, SHOWN).map((step, i) => (
                    <span key={step.id}>
                      {i ? ", " : ""}
                      <Link to={`/projects/${h.project.slug}/debt/${step.itemId}`}>
                        step {step.position} of {step.itemTitle}
                      </Link>
                    </span>
                  ))}
                  {h.steps.length > SHOWN ? ` and ${h.steps.length - SHOWN} more` : ""}
                </li>
              ) : null}
            </ul>
            {options.length === 0 ? (
              <p className="muted small">
                Nobody else is on this project's team.{" "}
                <Link to={`/projects/${h.project.slug}/team`}>Add someone to the team</Link> to hand this over.
              </p>
            ) : (
              <div className="grid-3">
                {h.items.length ? select("items", `Debt items of ${h.project.name} go to`) : null}
                {h.steps.length ? select("steps", `Steps in ${h.project.name} go to`) : null}
                {h.ownership ? select("ownership", `${h.project.name} goes to`) : null}
              </div>
            )}
          </fieldset>
        );
      })}
    </>
  );
}
