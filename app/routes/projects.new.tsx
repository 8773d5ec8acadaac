import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { ProjectForm } from "~/components/ProjectForm";
import { PageHeader } from "~/components/ui/PageHeader";
import { createProject, listActivePeople } from "~/models/projects.server";
import { requireUser, toActor } from "~/utils/auth.server";
import { parseForm, readForm } from "~/utils/forms";
import { actionError } from "~/utils/http.server";
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
  const parsed = parseForm(projectSchema, formData);
  if (!parsed.ok) return data(parsed, { status: 400 });
  try {
    const project = createProject({ actor: toActor(user), ...parsed.data });
    return redirectWithToast(request, `/projects/${project.slug}`, {
      kind: "success",
      message: `${project.name} starts as a proof of concept. Add business, data science and IT to its team.`,
    });
  } catch (error) {
    return actionError(error, formData);
  }
}

export default function NewProject() {
  const { people, userId } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const values = actionData && !actionData.ok ? actionData.values : {};
  return (
    <>
      <PageHeader
        title="New project"
        description="A project starts as a proof of concept. Its owner joins the team in their own discipline."
      />
      <ProjectForm
        people={people}
        defaults={{ ...values, ownerId: values.ownerId ?? userId }}
        errors={actionData && !actionData.ok ? actionData.fieldErrors : {}}
        formError={actionData && !actionData.ok ? actionData.formError : null}
        submitLabel="Create project"
        cancelTo="/projects"
      />
    </>
  );
}
