import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { PageHeader } from "~/components/ui/PageHeader";
import { requireUser } from "~/utils/auth.server";

export const meta: MetaFunction = () => [{ title: "Dashboard · Triad" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = requireUser(request);
  return { name: user.name };
}

export default function Dashboard() {
  const { name } = useLoaderData<typeof loader>();
  return (
    <PageHeader
      title="Dashboard"
      description={
        <>
          Welcome, {name}. Go to <Link to="/projects">Projects</Link> to see where each data product
          stands.
        </>
      }
    />
  );
}
