/**
 * The gate dossier: one review, open or closed, as a self-contained document an auditor can
 * read on screen or print from the browser (the print stylesheet leaves out the navigation).
 * The same data is at ./dossier.json.
 */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useEffect, useState, type ReactNode } from "react";
import { CommentBody } from "~/components/gates/CommentThread";
import { CriteriaList, EvidenceLink, SignOffBadge, decisionNoun } from "~/components/gates/GateParts";
import { Badge, DisciplineBadge } from "~/components/ui/Badge";
import {
  debtStatusLabel,
  decisionLabel,
  disciplineLabel,
  feasibilityLabel,
  priorityLabel,
  projectStateLabel,
  registerLabel,
  severityLabel,
  stageLabel,
  stageShortLabel,
} from "~/domain/labels";
import { getGateDossier, type DossierVerdict, type GateDossier } from "~/models/dossier.server";
import { DateTime } from "~/components/ui/DateTime";
import { formatDays } from "~/utils/format";
import { invariantResponse } from "~/utils/http.server";
import { requireProject } from "~/utils/project.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: data
      ? `Gate dossier #${data.dossier.review.id} · ${data.dossier.project.name} · Triad`
      : "Gate dossier · Triad",
  },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project } = requireProject(request, params);
  const dossier = getGateDossier({ projectId: project.id, reviewId: Number(params.reviewId) });
  invariantResponse(dossier, "This project has no gate review with that number.");
  return { dossier };
}

type SignOff = GateDossier["signOffs"][number];

const reviewStatusLabel = { open: "Open", promoted: "Promoted", withdrawn: "Withdrawn" } as const;

function Standing({ signOff, when }: { signOff: SignOff; when: string }) {
  const { standing } = signOff;
  if (standing === "superseded") return <Badge tone="muted">Superseded (replaced by a later sign-off)</Badge>;
  if (standing === "withdrawn")
    return <Badge tone="muted">Withdrawn (signer left the team or changed discipline)</Badge>;
  if (standing === "not_recorded") return <Badge tone="muted">Not recorded (no closing snapshot)</Badge>;
  return (
    <>
      <SignOffBadge status={standing} />{" "}
      <span className="small">
        {standing === "stale"
          ? `stale ${when}: it did not count`
          : standing === "invalid"
            ? `did not count ${when}`
            : standing === "dismissed"
              ? `dismissed by the project owner: it did not block ${when}`
              : `current ${when}`}
      </span>
    </>
  );
}

function PrintButton() {
  // Rendered only once hydrated: without JavaScript a button could not print anything.
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  if (!hydrated) return null;
  return (
    <button type="button" className="btn btn-secondary" onClick={() => window.print()}>
      Print…
    </button>
  );
}

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section className="dossier-section" aria-labelledby={id}>
      <h3 id={id}>{title}</h3>
      {children}
    </section>
  );
}

function VerdictCell({ verdict }: { verdict: DossierVerdict | undefined }) {
  if (!verdict) return <>—</>;
  return (
    <>
      {feasibilityLabel[verdict.feasibility]}
      {verdict.conditions ? <div className="small prewrap">Conditions: {verdict.conditions}</div> : null}
      {verdict.note ? <div className="small muted prewrap">{verdict.note}</div> : null}
    </>
  );
}

export default function GateDossierPage() {
  const { dossier } = useLoaderData<typeof loader>();
  const { project, review, content } = dossier;
  const base = `/projects/${project.slug}/gate/${review.id}`;
  const when = content === "live" ? "now" : "at closing";
  const attestations = new Map(dossier.criteria.map((c) => [c.key, c.attestation]));
  const legacyVerdicts = dossier.requirements.some((r) => r.verdicts.legacy);
  const signers = new Map(dossier.signOffs.map((s) => [s.id, s]));
  const fingerprints = review.contentFingerprints ? Object.entries(review.contentFingerprints) : [];
  return (
    <article className="dossier" aria-labelledby="dossier-title">
      <div className="dossier-actions no-print">
        <p className="small">
          To print this dossier or save it as PDF, use your browser’s Print command (Ctrl+P, or ⌘P on a Mac); the
          printout leaves out the navigation.
        </p>
        <div className="row">
          <PrintButton />
          <a className="btn btn-secondary" href={`${base}/dossier.json`}>
            Download as JSON
          </a>
          <Link to={review.status === "open" ? `/projects/${project.slug}/gate` : base}>Back to the review</Link>
        </div>
      </div>

      <header className="dossier-header">
        <p className="dossier-kicker">Triad · gate dossier</p>
        <h2 id="dossier-title">
          {project.name}: gate review #{review.id}, {stageShortLabel[review.fromStage]} →{" "}
          {stageShortLabel[review.targetStage]}
        </h2>
        <p className={`dossier-content dossier-content-${content}`} role="note">
          {content === "closing_snapshot" ? (
            <>
              Closed review: criteria, sign-off validity, requirements and debt as they stood when the review closed (
              <DateTime at={review.closedAt!} withZone />
              ).
            </>
          ) : content === "live" ? (
            "Open review — live content: everything below is evaluated now and may change until the review closes."
          ) : (
            "Closed review without a closing snapshot (closed when the project was stopped or retired): criteria, requirements and debt below are live content, not as they stood at closing."
          )}
        </p>
      </header>

      <div className="grid-2">
        <Section id="dossier-project" title="Project">
          <dl className="dl">
            <dt>Name</dt>
            <dd>{project.name}</dd>
            <dt>Slug</dt>
            <dd>
              <code>{project.slug}</code>
            </dd>
            <dt>Stage when opened</dt>
            <dd>{stageLabel[project.stageWhenOpened]}</dd>
            <dt>Stage after closing</dt>
            <dd>{project.stageAfterClosing ? stageLabel[project.stageAfterClosing] : "— (review open)"}</dd>
            <dt>Stage now</dt>
            <dd>
              {stageLabel[project.stageNow]} ({projectStateLabel[project.stateNow].toLowerCase()})
            </dd>
            <dt>Owner</dt>
            <dd>{project.owner.name}</dd>
            <dt>Business case</dt>
            <dd className="prewrap">{project.businessCase || "—"}</dd>
          </dl>
        </Section>
        <Section id="dossier-review" title="Review">
          <dl className="dl">
            <dt>Gate</dt>
            <dd>
              {stageLabel[review.fromStage]} → {stageLabel[review.targetStage]}
            </dd>
            <dt>Why now (opening statement)</dt>
            <dd className="prewrap">{review.statement || "—"}</dd>
            <dt>Approvals needed</dt>
            <dd>{review.requiredApprovals} per discipline</dd>
            <dt>Status</dt>
            <dd>{reviewStatusLabel[review.status]}</dd>
            <dt>Opened</dt>
            <dd>
              <DateTime at={review.openedAt} withZone /> by {review.openedBy.name}
            </dd>
            <dt>Closed</dt>
            <dd>
              {review.closedAt ? (
                <>
                  <DateTime at={review.closedAt} withZone /> by {review.closedBy?.name ?? "—"}
                </>
              ) : (
                "— (open)"
              )}
            </dd>
            {review.closedAt ? (
              <>
                <dt>Days open</dt>
                <dd>{formatDays((review.closedAt - review.openedAt) / 86_400_000)}</dd>
              </>
            ) : null}
            <dt>Close note</dt>
            <dd className="prewrap">{review.closeNote || "—"}</dd>
            <dt>Content fingerprints {when}</dt>
            <dd>
              {fingerprints.length ? (
                <ul className="list-plain">
                  {fingerprints.map(([key, value]) => (
                    <li key={key}>
                      {key === "all"
                        ? "Whole gate (recorded before per-discipline fingerprints)"
                        : disciplineLabel[key as keyof typeof disciplineLabel]}
                      : <code className="dossier-fingerprint">{value}</code>
                    </li>
                  ))}
                </ul>
              ) : (
                "not recorded"
              )}
            </dd>
          </dl>
          {review.blockers.length ? (
            <div className="blockers dossier-blockers">
              <p>What stood in the way of promotion {when}:</p>
              <ul>
                {review.blockers.map((b) => (
                  <li key={b}>{b}</li>
                ))}
              </ul>
            </div>
          ) : null}
        </Section>
      </div>

      <Section
        id="dossier-criteria"
        title={`Criteria and evidence (${dossier.criteria.filter((c) => c.met).length} of ${dossier.criteria.length} met ${when})`}
      >
        <CriteriaList
          criteria={dossier.criteria}
          renderControls={(c) => {
            const a = attestations.get(c.key);
            if (c.kind !== "attestation") return null;
            // The detail already quotes the attester and the note; the evidence adds when.
            return a ? (
              <p className="small dossier-evidence">
                Attested on <DateTime at={a.at} withZone /> by {a.byName ?? "—"}.
                {a.evidenceUrl ? (
                  <>
                    {" "}
                    Evidence: <EvidenceLink url={a.evidenceUrl} />
                  </>
                ) : null}
              </p>
            ) : null;
          }}
        />
      </Section>

      <Section id="dossier-signoffs" title="Sign-offs">
        {dossier.panels.map((panel) => {
          const own = dossier.signOffs.filter((s) => s.discipline === panel.discipline);
          return (
            <div key={panel.discipline} className="card dossier-panel">
              <h4 className="row">
                <DisciplineBadge discipline={panel.discipline} />
                {panel.status ? <SignOffBadge status={panel.status} /> : null}
                <span className="small muted">
                  {panel.status ? `panel ${when}` : ""}
                  {panel.approvals != null
                    ? ` · ${panel.approvals} of ${review.requiredApprovals} approval${review.requiredApprovals === 1 ? "" : "s"}`
                    : ""}
                </span>
              </h4>
              {own.length === 0 ? <p className="muted">No sign-off was given.</p> : null}
              {own.map((s) => (
                <dl key={s.id} className="dl dossier-signoff">
                  <dt>Signer</dt>
                  <dd>
                    {s.signer.name} ({disciplineLabel[s.discipline]})
                  </dd>
                  <dt>Signed</dt>
                  <dd>
                    <DateTime at={s.signedAt} withZone />
                  </dd>
                  <dt>Decision</dt>
                  <dd>{decisionLabel[s.decision]}</dd>
                  <dt>Comment</dt>
                  <dd className="prewrap">{s.comment || "—"}</dd>
                  <dt>Fingerprint</dt>
                  <dd>
                    <code className="dossier-fingerprint">{s.fingerprint}</code>
                    {s.matchesContentFingerprint === null ? null : (
                      <span className="small">
                        {" "}
                        ({s.matchesContentFingerprint ? "matches" : "differs from"} the content {when})
                      </span>
                    )}
                  </dd>
                  <dt>Standing</dt>
                  <dd>
                    <Standing signOff={s} when={when} />
                    {s.endedAt ? (
                      <span className="small">
                        {" "}
                        — ended <DateTime at={s.endedAt} withZone />
                      </span>
                    ) : null}
                  </dd>
                  {s.changes.length ? (
                    <>
                      <dt>What changed since {s.signer.name} signed</dt>
                      <dd>
                        <ul>
                          {s.changes.map((change, i) => (
                            <li key={i}>{change}</li>
                          ))}
                        </ul>
                      </dd>
                    </>
                  ) : null}
                  {s.dismissal ? (
                    <>
                      <dt>Dismissed</dt>
                      <dd>
                        <DateTime at={s.dismissal.at} withZone /> by {s.dismissal.byName ?? "—"}:{" "}
                        <span className="prewrap">{s.dismissal.reason}</span>
                      </dd>
                    </>
                  ) : null}
                </dl>
              ))}
            </div>
          );
        })}
      </Section>

      <Section id="dossier-conditions" title="Conditions logged as debt">
        {dossier.conditions.length === 0 ? (
          <p className="muted">No sign-off of this review carried conditions.</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Condition</th>
                  <th scope="col">Set by</th>
                  <th scope="col">Register</th>
                  <th scope="col">Owner</th>
                  <th scope="col">Due</th>
                  <th scope="col">Status today</th>
                </tr>
              </thead>
              <tbody>
                {dossier.conditions.map((c) => (
                  <tr key={c.id}>
                    <td>
                      #{c.id} {c.title}
                    </td>
                    <td>{disciplineLabel[c.discipline]}</td>
                    <td>{registerLabel[c.register]}</td>
                    <td>{c.owner?.name ?? "—"}</td>
                    <td>
                      {[c.targetDate, c.repayBeforeStage ? `before ${stageShortLabel[c.repayBeforeStage]}` : null]
                        .filter(Boolean)
                        .join(", ") || "—"}
                    </td>
                    <td>{debtStatusLabel[c.statusNow]}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>

      <Section
        id="dossier-requirements"
        title={`Requirements ${when === "now" ? "(live)" : "as they stood at closing"}`}
      >
        {dossier.requirements.length === 0 ? (
          <p className="muted">No requirement was stated.</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Requirement</th>
                  <th scope="col">Measurable target</th>
                  <th scope="col">Priority</th>
                  {legacyVerdicts ? (
                    <th scope="col">Feasibility (before per-discipline verdicts)</th>
                  ) : (
                    <>
                      <th scope="col">Data science's verdict</th>
                      <th scope="col">IT operations' verdict</th>
                      <th scope="col">Combined</th>
                    </>
                  )}
                </tr>
              </thead>
              <tbody>
                {dossier.requirements.map((r) => (
                  <tr key={r.id}>
                    <td>
                      <strong>{r.title}</strong>
                      {r.status === "withdrawn" ? (
                        <>
                          {" "}
                          <Badge tone="muted">Withdrawn</Badge>
                        </>
                      ) : null}
                      {r.description ? <div className="small prewrap">{r.description}</div> : null}
                    </td>
                    <td>{r.target}</td>
                    <td>{priorityLabel[r.priority]}</td>
                    {legacyVerdicts ? (
                      <td>
                        <VerdictCell
                          verdict={r.verdicts.legacy ?? { feasibility: r.feasibility, conditions: null, note: null }}
                        />
                      </td>
                    ) : (
                      <>
                        <td>
                          <VerdictCell verdict={r.verdicts.data_science} />
                        </td>
                        <td>
                          <VerdictCell verdict={r.verdicts.it} />
                        </td>
                        <td>{feasibilityLabel[r.feasibility]}</td>
                      </>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>

      <Section id="dossier-debt" title={`Open debt ${when === "now" ? "(live)" : "as it stood at closing"}`}>
        {dossier.debtItems.length === 0 ? (
          <p className="muted">No open debt item.</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Debt item</th>
                  <th scope="col">Status</th>
                  <th scope="col">Owner</th>
                  <th scope="col" className="num">
                    Principal
                  </th>
                  <th scope="col" className="num">
                    Interest
                  </th>
                  <th scope="col">Repayment plan</th>
                </tr>
              </thead>
              <tbody>
                {dossier.debtItems.map((d) => (
                  <tr key={d.id}>
                    <td>
                      #{d.id} {d.title}
                      <div className="small">
                        {registerLabel[d.register]} · {severityLabel[d.severity]} severity
                      </div>
                    </td>
                    <td>{debtStatusLabel[d.status]}</td>
                    <td>{d.owner?.name ?? "—"}</td>
                    <td className="num">{formatDays(d.principalDays)}</td>
                    <td className="num">{formatDays(d.interestDays)}/month</td>
                    <td>
                      {d.strategy || d.targetDate || d.repayBeforeStage ? (
                        <>
                          {d.strategy ? <div className="prewrap">{d.strategy}</div> : null}
                          <div className="small">
                            {[
                              d.targetDate ? `target ${d.targetDate}` : null,
                              d.repayBeforeStage ? `before ${stageShortLabel[d.repayBeforeStage]}` : null,
                            ]
                              .filter(Boolean)
                              .join(", ")}
                            {d.steps.length
                              ? ` · ${d.steps.filter((s) => s.done).length} of ${d.steps.length} steps done`
                              : ""}
                          </div>
                        </>
                      ) : (
                        "No plan"
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>

      <Section
        id="dossier-conversation"
        title={`Conversation (${dossier.comments.length} comment${dossier.comments.length === 1 ? "" : "s"})`}
      >
        {dossier.comments.length === 0 ? (
          <p className="muted">Nobody commented on this review.</p>
        ) : (
          <ol className="list-plain comment-list">
            {dossier.comments.map((c) => {
              const answered = c.replyToSignOffId ? signers.get(c.replyToSignOffId) : undefined;
              return (
                <li key={c.id} className="comment-item">
                  <p className="small comment-meta">
                    <strong>{c.author.name}</strong> · <DateTime at={c.at} withZone />
                    {c.editedAt ? (
                      <>
                        {" "}
                        · edited <DateTime at={c.editedAt} withZone />
                      </>
                    ) : (
                      ""
                    )}
                    {answered ? ` · in reply to ${answered.signer.name}'s ${decisionNoun[answered.decision]}` : ""}
                  </p>
                  <CommentBody body={c.body} />
                  {c.mentions.length ? <p className="small muted">Mentions: {c.mentions.join(", ")}</p> : null}
                  {c.earlierWordings.length ? (
                    <div className="small">
                      Earlier wording{c.earlierWordings.length > 1 ? "s" : ""}:
                      <ol>
                        {c.earlierWordings.map((w, i) => (
                          <li key={i}>
                            <span className="muted">
                              until <DateTime at={w.replacedAt} withZone />:
                            </span>{" "}
                            <span className="prewrap">{w.body}</span>
                          </li>
                        ))}
                      </ol>
                    </div>
                  ) : null}
                </li>
              );
            })}
          </ol>
        )}
      </Section>

      <footer className="dossier-footer small">
        Generated by Triad on <DateTime at={dossier.generatedAt} withZone /> from gate review #{review.id} of{" "}
        {project.slug}. The same data is available as JSON at {base}/dossier.json.
      </footer>
    </article>
  );
}
