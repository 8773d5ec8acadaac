/**
 * Sign-out is a POST (a GET never changes anything); GET just shows the way back. The action
 * reads no field: whatever the form sent (its button names an intent only for its pending
 * state, app/root.tsx), the session ends. Signing out is never refused.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { signOut } from "~/utils/auth.server";
import { toastCookie } from "~/utils/toast.server";

export async function loader() {
  return redirect("/");
}

export async function action({ request }: ActionFunctionArgs) {
  const headers = new Headers();
  headers.append("Set-Cookie", signOut(request));
  headers.append("Set-Cookie", toastCookie(request, { kind: "info", message: "You are signed out." }));
  return redirect("/login", { headers });
}
