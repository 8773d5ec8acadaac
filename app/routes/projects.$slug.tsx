/** The frame of every project page: name, stage, state and the project's tabs. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { StageBadge, StateBadge } from "~/components/ProjectBadges";
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

export default function ProjectFrame() {
  const { project } = useLoaderData<typeof loader>();
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
      <Outlet />
    </>
  );
}
