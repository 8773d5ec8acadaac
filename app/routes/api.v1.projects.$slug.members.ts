/** POST /api/v1/projects/:slug/members {email, discipline?}: a seat in the person's own discipline. */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { ValidationError } from "~/domain/errors";
import { addMember, listTeam } from "~/models/team.server";
import { findUserByEmail } from "~/models/users.server";
import { apiResource, endpoint, projectParam } from "~/utils/api.server";
import { apiRoutes } from "~/utils/api-routes.server";

const api = apiResource(
  endpoint(apiRoutes.addMember, ({ actor, params, body }) => {
    const project = projectParam(params);
    const person = findUserByEmail(body.email);
    if (!person || !person.active) {
      throw new ValidationError("No active person has this e-mail address.", {
        email: "No active person in Triad has this e-mail address.",
      });
    }
    addMember({ actor, projectId: project.id, userId: person.id, discipline: body.discipline });
    return { member: listTeam(project.id).find((m) => m.userId === person.id) };
  }),
);

export const loader = (args: LoaderFunctionArgs) => api(args);
export const action = (args: ActionFunctionArgs) => api(args);
