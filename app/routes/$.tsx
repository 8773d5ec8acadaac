/** Any address no other route matches: a 404 page in words. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/utils/auth.server";

export async function loader({ request }: LoaderFunctionArgs) {
  requireUser(request);
  throw new Response("There is no page at this address. It may have moved, or the link may be mistyped.", {
    status: 404,
  });
}

export default function NotFound() {
  return null;
}
