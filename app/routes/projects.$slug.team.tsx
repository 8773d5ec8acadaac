import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { getFormProps } from "@conform-to/react";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { DISCIPLINES } from "~/domain/vocabulary";
import { DisciplineBadge } from "~/components/ui/Badge";
import { EmptyState } from "~/components/ui/EmptyState";
import { SelectField } from "~/components/ui/Field";
import { FormError } from "~/components/ui/FormError";
import { disciplineLabel } from "~/domain/labels";
import { listActivePeople } from "~/models/projects.server";
import { getUser } from "~/models/users.server";
import { addMember, listTeam, liveSignOffsOf, NeedsConfirmation, removeMember } from "~/models/team.server";
import { toActor } from "~/utils/auth.server";
import { SubmitButton, useIntentForm } from "~/components/ui/Form";
import { parseSubmission, readForm } from "~/utils/forms";
import { refuse, submissionError, unknownIntent } from "~/utils/http.server";
import { requireProject, requireProjectWith } from "~/utils/project.server";
import { redirectWithToast } from "~/utils/toast.server";
import { addMemberSchema, idField } from "~/utils/validation";
import { z } from "zod";

export const meta: MetaFunction = () => [{ title: "Team · Triad" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project, may } = requireProject(request, params);
  const team = listTeam(project.id);
  const onTeam = new Set(team.map((m) => m.userId));
  const removeId = Number(new URL(request.url).searchParams.get("remove"));
  const removing = team.find((m) => m.userId === removeId) ?? null;
  return {
    slug: project.slug,
    ownerId: project.ownerId,
    team,
    candidates: may("team:manage") ? listActivePeople().filter((p) => !onTeam.has(p.id)) : [],
    mayManage: may("team:manage"),
    removing: removing ? { ...removing, liveSignOffs: liveSignOffsOf(project.id, removing.userId).length } : null,
  };
}

/** Removing a member: the confirmation box sends `confirmed=yes` (docs/domain.md, "Teams"). */
export const removeMemberSchema = z.object({
  userId: idField("Choose a person."),
  confirmed: z.literal("yes").optional(),
});

type Ctx = { request: Request; actor: ReturnType<typeof toActor>; projectId: number; back: string };

async function add(ctx: Ctx, formData: FormData) {
  const submission = parseSubmission(formData, addMemberSchema);
  if (submission.status !== "success") return refuse(submission);
  try {
    // The seat is the person's own discipline; a posted `discipline` (API, old forms) must match it.
    addMember({ actor: ctx.actor, projectId: ctx.projectId, ...submission.value });
  } catch (error) {
    return submissionError(error, submission);
  }
  const person = getUser(submission.value.userId);
  return redirectWithToast(ctx.request, ctx.back, {
    kind: "success",
    message: person ? `${person.name} joined the team as ${disciplineLabel[person.discipline]}.` : "Added to the team.",
  });
}

async function remove(ctx: Ctx, formData: FormData) {
  const submission = parseSubmission(formData, removeMemberSchema);
  if (submission.status !== "success") return refuse(submission);
  const { userId, confirmed } = submission.value;
  try {
    const { withdrawnSignOffs } = removeMember({
      actor: ctx.actor,
      projectId: ctx.projectId,
      userId,
      confirmed: confirmed === "yes",
    });
    return redirectWithToast(ctx.request, ctx.back, {
      kind: "success",
      message: withdrawnSignOffs
        ? "Removed from the team; their approval on the open gate review was withdrawn."
        : "Removed from the team.",
    });
  } catch (error) {
    if (error instanceof NeedsConfirmation) {
      return redirectWithToast(ctx.request, `${ctx.back}?remove=${userId}`, { kind: "info", message: error.message });
    }
    return submissionError(error, submission);
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  // The permission first, before the form is read: someone who may not manage the team gets
  // the same 403 whoever they name, so the page tells them nothing about who exists.
  const { user, project } = requireProjectWith(request, params, "team:manage");
  const formData = await readForm(request);
  const ctx: Ctx = { request, actor: toActor(user), projectId: project.id, back: `/projects/${project.slug}/team` };
  const intent = formData.get("intent");
  switch (intent) {
    case "add":
      return add(ctx, formData);
    case "remove":
      return remove(ctx, formData);
    default:
      throw unknownIntent(intent);
  }
}

export default function Team() {
  const { slug, ownerId, team, candidates, mayManage, removing } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const [addForm, addFields] = useIntentForm({ intent: "add", schema: addMemberSchema });
  const [removeForm] = useIntentForm({ intent: "remove", schema: removeMemberSchema });
  // Same names happen: then the e-mail tells them apart.
  const nameCount = new Map<string, number>();
  for (const p of candidates) nameCount.set(p.name, (nameCount.get(p.name) ?? 0) + 1);
  const sameName = (name: string) => (nameCount.get(name) ?? 0) > 1;
  return (
    <>
      <h2>Team</h2>
      <p className="page-description">
        Each member sits on the team in their own discipline, the one on their profile, and signs gate reviews for it. A
        project needs business, data science and IT operations on its team to reach a pilot.
      </p>
      {removing && mayManage ? (
        <Form method="post" className="confirm-box" {...getFormProps(removeForm)}>
          <FormError id={removeForm.errorId} message={removeForm.errors?.[0]} />
          <input type="hidden" name="userId" value={removing.userId} />
          <input type="hidden" name="confirmed" value="yes" />
          <p>
            Remove {removing.name} ({disciplineLabel[removing.discipline]}) from the team? Removing them withdraws their
            approval; a “changes requested” of theirs stays until the owner dismisses it.
          </p>
          {removing.liveSignOffs ? (
            <p>
              {removing.name} has approved the open gate review: that approval stops counting for{" "}
              {disciplineLabel[removing.discipline]}.
            </p>
          ) : null}
          <div className="form-actions">
            <SubmitButton intent="remove" variant="danger" pendingLabel="Removing…">
              Yes, remove {removing.name}
            </SubmitButton>
            <Link to={`/projects/${slug}/team`}>Cancel</Link>
          </div>
        </Form>
      ) : null}
      <div className="grid-3">
        {DISCIPLINES.map((discipline) => {
          const members = team.filter((m) => m.discipline === discipline);
          return (
            <section key={discipline} className="card" aria-labelledby={`team-${discipline}`}>
              <h3 id={`team-${discipline}`}>
                <DisciplineBadge discipline={discipline} />
              </h3>
              {members.length === 0 ? (
                <p className="muted">Nobody yet.</p>
              ) : (
                <ul className="list-plain">
                  {members.map((m) => (
                    <li key={m.userId} className="row">
                      <span>
                        {m.name}
                        {m.userId === ownerId ? " (owner)" : ""}
                        {m.active ? "" : " (deactivated)"}
                      </span>
                      {mayManage && m.userId !== ownerId && searchParams.get("remove") !== String(m.userId) ? (
                        <Link to={`?remove=${m.userId}`} className="small">
                          Remove<span className="sr-only"> {m.name}</span>
                        </Link>
                      ) : null}
                    </li>
                  ))}
                </ul>
              )}
            </section>
          );
        })}
      </div>
      {mayManage ? (
        candidates.length ? (
          <Form method="post" className="form-card" aria-labelledby="add-member-title" {...getFormProps(addForm)}>
            <h3 id="add-member-title">Add a member</h3>
            <FormError id={addForm.errorId} message={addForm.errors?.[0]} />
            <SelectField
              label="Person"
              meta={addFields.userId}
              placeholder="Choose a person"
              hint="They join in their own discipline, shown after their name. An admin changes a person's discipline on People."
              options={candidates.map((p) => ({
                value: String(p.id),
                label: `${p.name} — ${disciplineLabel[p.discipline]}${sameName(p.name) ? ` (${p.email})` : ""}`,
              }))}
              error={addFields.userId.errors?.[0] ?? addFields.discipline.errors?.[0]}
            />
            <SubmitButton intent="add" pendingLabel="Adding…">
              Add to team
            </SubmitButton>
          </Form>
        ) : (
          <EmptyState title="Everyone is already on this team.">
            <p>Ask an admin to add more people to Triad.</p>
          </EmptyState>
        )
      ) : (
        <p className="muted">Only the project owner or an admin changes the team.</p>
      )}
    </>
  );
}
