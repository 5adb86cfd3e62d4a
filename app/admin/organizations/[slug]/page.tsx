import { OrganizationOverview } from "./organization-overview";

export const metadata = { title: "Organization" };

export default async function OrganizationPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  return <OrganizationOverview slug={slug} />;
}
