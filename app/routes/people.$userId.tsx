import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { Badge } from "~/components/ui/Badge";
import { SelectField, optionsOf } from "~/components/ui/Field";
import { FormError } from "~/components/ui/FormError";
import { PageHeader } from "~/components/ui/PageHeader";
import { disciplineLabel, roleLabel } from "~/domain/labels";
import { getUser, setUserActive, updateUserAccess } from "~/models/users.server";
import { requireAdmin, toActor } from "~/utils/auth.server";
import { parseForm } from "~/utils/forms";
import { actionError, invariantResponse } from "~/utils/http.server";
import { redirectWithToast } from "~/utils/toast.server";
import { updateUserSchema } from "~/utils/validation";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.person.name ?? "Person"} · People · Triad` },
];

function personId(params: { userId?: string }) {
  const id = Number(params.userId);
  invariantResponse(Number.isInteger(id) && id > 0, "No such person.");
  return id;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  requireAdmin(request);
  const person = getUser(personId(params));
  invariantResponse(person, "No such person.");
  return { person };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const admin = requireAdmin(request);
  const userId = personId(params);
  const formData = await request.formData();
  const intent = formData.get("intent");
  try {
    if (intent === "access") {
      const parsed = parseForm(updateUserSchema, formData);
      if (!parsed.ok) return data(parsed, { status: 400 });
      const person = updateUserAccess({ actor: toActor(admin), userId, ...parsed.data });
      return redirectWithToast(request, `/people/${userId}`, {
        kind: "success",
        message: `${person.name} is now ${disciplineLabel[person.discipline]}, ${roleLabel[person.role]}.`,
      });
    }
    if (intent === "deactivate" || intent === "reactivate") {
      const active = intent === "reactivate";
      const person = setUserActive({ actor: toActor(admin), userId, active });
      return redirectWithToast(request, `/people/${userId}`, {
        kind: "success",
        message: active
          ? `${person.name} can sign in again.`
          : `${person.name} was deactivated and signed out everywhere.`,
      });
    }
  } catch (error) {
    return actionError(error, formData);
  }
  return data(parseForm(z.object({ intent: z.enum(["access", "deactivate", "reactivate"]) }), formData), {
    status: 400,
  });
}

export default function Person() {
  const { person } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const confirming = searchParams.get("confirm") === "deactivate";
  const errors = actionData && !actionData.ok ? actionData.fieldErrors : {};
  const values = actionData && !actionData.ok ? actionData.values : {};
  return (
    <>
      <PageHeader
        title={person.name}
        description={
          <>
            {person.email} ·{" "}
            {person.active ? <Badge tone="ok">Active</Badge> : <Badge tone="muted">Deactivated</Badge>}
          </>
        }
        actions={<Link to="/people">All people</Link>}
      />
      <FormError message={actionData && !actionData.ok ? actionData.formError : null} />
      <Form method="post" noValidate className="form-card" aria-labelledby="access-title">
        <h2 id="access-title">Discipline and role</h2>
        <input type="hidden" name="version" value={person.version} />
        <SelectField
          label="Discipline"
          name="discipline"
          options={optionsOf(disciplineLabel)}
          defaultValue={values.discipline ?? person.discipline}
          error={errors.discipline}
        />
        <SelectField
          label="Role"
          name="role"
          options={optionsOf(roleLabel)}
          defaultValue={values.role ?? person.role}
          error={errors.role}
        />
        <div className="form-actions">
          <button type="submit" name="intent" value="access" className="btn btn-primary">
            Save discipline and role
          </button>
        </div>
      </Form>
      <section className="form-card" aria-labelledby="status-title">
        <h2 id="status-title">Access</h2>
        {person.active ? (
          confirming ? (
            <Form method="post" className="confirm-box">
              <p>
                Deactivate {person.name}? They are signed out at once and cannot sign in until
                reactivated. Their sign-offs and history stay.
              </p>
              {errors.form ? <p className="field-error">{errors.form}</p> : null}
              <div className="form-actions">
                <button type="submit" name="intent" value="deactivate" className="btn btn-danger">
                  Yes, deactivate {person.name}
                </button>
                <Link to={`/people/${person.id}`}>Cancel</Link>
              </div>
            </Form>
          ) : (
            <>
              <p>{person.name} can sign in.</p>
              <Link className="btn btn-secondary" to="?confirm=deactivate">
                Deactivate…
              </Link>
            </>
          )
        ) : (
          <Form method="post">
            <p>{person.name} cannot sign in.</p>
            <button type="submit" name="intent" value="reactivate" className="btn btn-secondary">
              Reactivate {person.name}
            </button>
          </Form>
        )}
      </section>
    </>
  );
}
