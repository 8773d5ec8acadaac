/**
 * What went wrong, in words: the error pages of the root and of the layouts with tabs
 * (docs/architecture.md, "Error pages"). A thrown 404 or 403 carries the model's sentence
 * ("No such debt item."); anything else is an unexpected error, logged and not shown.
 */
import { isRouteErrorResponse, Link } from "@remix-run/react";

export function describeRouteError(error: unknown): { title: string; message: string; status: number } {
  if (isRouteErrorResponse(error)) {
    const said = typeof error.data === "string" && error.data && error.data !== "Not Found" ? error.data : null;
    if (error.status === 404) {
      return {
        status: 404,
        title: "Page not found",
        message: said ?? "There is no page at this address. It may have moved, or the link may be mistyped.",
      };
    }
    if (error.status === 403) {
      return { status: 403, title: "Not allowed", message: said ?? "You do not have permission to see or do this." };
    }
    return {
      status: error.status,
      title: `${error.status} ${error.statusText || "Error"}`,
      message: said ?? "The request could not be handled.",
    };
  }
  if (error instanceof Error) console.error(error);
  return {
    status: 500,
    title: "Something went wrong",
    message:
      "Triad hit an unexpected error. Nothing you did was lost; try again, and if it keeps happening tell an admin.",
  };
}

/** The error's title and sentence, with a way on: `back` (the layout's own start) or the dashboard. */
export function RouteError({
  error,
  heading: Heading = "h1",
  back = { to: "/", label: "Back to the dashboard" },
}: {
  error: unknown;
  heading?: "h1" | "h2";
  back?: { to: string; label: string };
}) {
  const { title, message } = describeRouteError(error);
  return (
    <section className="error-page" aria-labelledby="error-title" role="alert">
      <Heading id="error-title">{title}</Heading>
      <p>{message}</p>
      <p>
        <Link to={back.to}>{back.label}</Link>
      </p>
    </section>
  );
}
