import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ProjectForm } from "~/components/ProjectForm";
import { useIntentForm } from "~/components/ui/Form";
import { PageHeader } from "~/components/ui/PageHeader";
import { createProject, listActivePeople } from "~/models/projects.server";
import { requireUser, toActor } from "~/utils/auth.server";
import { parseSubmission, readForm } from "~/utils/forms";
import { refuse, submissionError } from "~/utils/http.server";
import { redirectWithToast } from "~/utils/toast.server";
import { projectSchema } from "~/utils/validation";

export const meta: MetaFunction = () => [{ title: "New project · Triad" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = requireUser(request);
  return { people: listActivePeople(), userId: user.id };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = requireUser(request);
  const formData = await readForm(request);
  const submission = parseSubmission(formData, projectSchema);
  if (submission.status !== "success") return refuse(submission);
  try {
    const project = createProject({ actor: toActor(user), ...submission.value });
    return redirectWithToast(request, `/projects/${project.slug}`, {
      kind: "success",
      message: `${project.name} starts as a proof of concept. Add business, data science and IT to its team.`,
    });
  } catch (error) {
    return submissionError(error, submission);
  }
}

export default function NewProject() {
  const { people, userId } = useLoaderData<typeof loader>();
  const [form, fields] = useIntentForm({
    intent: "",
    schema: projectSchema,
    defaultValue: { ownerId: String(userId) },
  });
  return (
    <>
      <PageHeader
        title="New project"
        description="A project starts as a proof of concept. Its owner joins the team in their own discipline."
      />
      <ProjectForm
        form={form}
        fields={fields}
        people={people}
        submitLabel="Create project"
        pendingLabel="Creating…"
        cancelTo="/projects"
      />
    </>
  );
}
