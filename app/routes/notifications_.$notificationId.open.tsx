/**
 * /notifications/<id>/open (GET or POST): marks one of the signed-in person's notifications
 * read and redirects to its page in Triad (docs/domain.md, "Notifications"). Only a path
 * inside Triad is followed: any other link is refused with a message, the notification left
 * unread, so a notification can never send anyone to another site. Someone else's
 * notification answers 404 like one that does not exist. (A page route, not a resource
 * route, so a refusal shows the layout's error page rather than bare text.)
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { NotFoundError } from "~/domain/errors";
import { openNotification } from "~/models/notifications-read.server";
import { requireUser } from "~/utils/auth.server";
import { idField } from "~/utils/validation";
import { redirectWithToast } from "~/utils/toast.server";

const EXTERNAL_LINK_MESSAGE = "This notification's link does not lead to a page of Triad, so it was not followed.";

function open({ request, params }: LoaderFunctionArgs) {
  const user = requireUser(request);
  const id = idField("There is no such notification.").safeParse(params.notificationId ?? "");
  try {
    if (!id.success) throw new NotFoundError("There is no such notification.");
    const opened = openNotification({ userId: user.id, id: id.data });
    if (!opened.ok)
      return redirectWithToast(request, "/notifications", { kind: "error", message: EXTERNAL_LINK_MESSAGE });
    return redirect(opened.link);
  } catch (error) {
    if (error instanceof NotFoundError) throw new Response(error.message, { status: 404 });
    throw error;
  }
}

export const loader = (args: LoaderFunctionArgs) => open(args);
export const action = (args: ActionFunctionArgs) => open(args);

/** Never rendered: the loader and action always redirect or throw. */
export default function OpenNotification() {
  return null;
}
