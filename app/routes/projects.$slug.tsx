/** The frame of every project page: name, stage, state and the project's tabs. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import type { ReactNode } from "react";
import { Link, NavLink, Outlet, useLoaderData, useRouteError, useRouteLoaderData } from "@remix-run/react";
import { StageBadge, StateBadge } from "~/components/ProjectBadges";
import { RouteError } from "~/components/ui/RouteError";
import { requireProject } from "~/utils/project.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project, context } = requireProject(request, params);
  return {
    project: {
      slug: project.slug,
      name: project.name,
      stage: project.stage,
      state: project.state,
    },
    memberDiscipline: context.memberDiscipline,
  };
}

const TABS = [
  { to: "", label: "Overview", end: true },
  { to: "requirements", label: "Requirements" },
  { to: "gate", label: "Gate review" },
  { to: "debt", label: "Debt" },
  { to: "team", label: "Team" },
  { to: "history", label: "History" },
  { to: "activity", label: "Activity" },
];

type FrameData = Awaited<ReturnType<typeof loader>>;

/** The project's name, badges and tabs around whatever the tab shows (a page or an error). */
function Frame({ project, children }: { project: FrameData["project"]; children: ReactNode }) {
  return (
    <>
      <div className="project-title">
        <p className="breadcrumb">
          <Link to="/projects">Projects</Link> /
        </p>
        <h1 className="project-name">{project.name}</h1>
        <div className="row">
          <StageBadge stage={project.stage} />
          <StateBadge state={project.state} />
        </div>
      </div>
      <nav className="tabs" aria-label="Project sections">
        {TABS.map((tab) => (
          <NavLink
            key={tab.to}
            to={tab.to ? `/projects/${project.slug}/${tab.to}` : `/projects/${project.slug}`}
            end={tab.end}
            prefetch="intent"
          >
            {tab.label}
          </NavLink>
        ))}
      </nav>
      {children}
    </>
  );
}

export default function ProjectFrame() {
  const { project } = useLoaderData<typeof loader>();
  return (
    <Frame project={project}>
      <Outlet />
    </Frame>
  );
}

/**
 * An error inside a tab (a debt item or review that does not exist, a refused action) keeps
 * the project's frame and tabs, so the reader can go on from there. When the project itself
 * could not be loaded there is no frame to keep: the plain error page.
 */
export function ErrorBoundary() {
  const error = useRouteError();
  const data = useRouteLoaderData<typeof loader>("routes/projects.$slug");
  if (!data) return <RouteError error={error} back={{ to: "/projects", label: "Back to the projects" }} />;
  return (
    <Frame project={data.project}>
      <RouteError
        error={error}
        heading="h2"
        back={{ to: `/projects/${data.project.slug}`, label: `Back to ${data.project.name}` }}
      />
    </Frame>
  );
}
