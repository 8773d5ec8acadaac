import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ProjectForm } from "~/components/ProjectForm";
import { useIntentForm } from "~/components/ui/Form";
import { updateProject } from "~/models/projects.server";
import { listTeam } from "~/models/team.server";
import { toActor } from "~/utils/auth.server";
import { parseSubmission, readForm } from "~/utils/forms";
import { refuse, submissionError } from "~/utils/http.server";
import { requireProjectWith } from "~/utils/project.server";
import { redirectWithToast } from "~/utils/toast.server";
import { projectSchema, versionField } from "~/utils/validation";

export const meta: MetaFunction = () => [{ title: "Edit project · Triad" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project, may } = requireProjectWith(request, params, "project:edit");
  const team = listTeam(project.id).filter((m) => m.active);
  return {
    project: {
      slug: project.slug,
      name: project.name,
      summary: project.summary,
      businessCase: project.businessCase,
      ownerId: project.ownerId,
      version: project.version,
    },
    people: team.map((m) => ({ id: m.userId, name: m.name, discipline: m.discipline })),
    mayChangeOwner: may("project:change-state"),
  };
}

/** The edit form: a project's fields and the version the page was read at. */
export const editProjectSchema = projectSchema.extend({ version: versionField });

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, project } = requireProjectWith(request, params, "project:edit");
  const formData = await readForm(request);
  const submission = parseSubmission(formData, editProjectSchema);
  if (submission.status !== "success") return refuse(submission);
  try {
    const updated = updateProject({ actor: toActor(user), projectId: project.id, ...submission.value });
    return redirectWithToast(request, `/projects/${updated.slug}`, {
      kind: "success",
      message:
        updated.slug !== project.slug
          ? `Saved. The project's address is now /projects/${updated.slug}; the old one still leads here.`
          : "Project saved.",
    });
  } catch (error) {
    return submissionError(error, submission);
  }
}

export default function EditProject() {
  const { project, people, mayChangeOwner } = useLoaderData<typeof loader>();
  const [form, fields] = useIntentForm({
    intent: "",
    schema: editProjectSchema,
    defaultValue: {
      name: project.name,
      summary: project.summary ?? "",
      businessCase: project.businessCase ?? "",
      ownerId: String(project.ownerId),
    },
  });
  return (
    <>
      <h2>Edit project</h2>
      <p className="page-description">Renaming keeps the old address working.</p>
      <ProjectForm
        form={form}
        fields={fields}
        people={mayChangeOwner ? people : people.filter((p) => p.id === project.ownerId)}
        submitLabel="Save project"
        pendingLabel="Saving…"
        cancelTo={`/projects/${project.slug}`}
        version={project.version}
        ownerHint={
          mayChangeOwner
            ? "The owner is chosen from the team."
            : "Only the owner or an admin hands the project to someone else."
        }
      />
    </>
  );
}
