import { parseArgs } from "node:util";
import { z } from "zod";
import { getDb } from "@/server/db/client";
import { withAllOrganizations } from "@/server/db/tenancy";
import { embeddedDatabaseUrl } from "@/server/db/embedded";
import { DomainError } from "@/server/errors";
import { createOrganizationWithOwner } from "@/server/invitations/service";
import { getQueue } from "@/server/jobs/queue";
import { slugFromName } from "@/server/orgs/service";

// `npm run org:create -- --name "Lakeside Arts Council" --owner treasurer@lakeside.example [--slug lakeside]`
// Creates an organization and emails its first owner an invitation (there is no public
// sign-up). A worker (npm start, npm run worker) sends the email. Uses DATABASE_URL.

const usage = 'Usage: npm run org:create -- --name "Organization name" --owner owner@example.org [--slug short-name]';

const args = z.object({
  name: z.string().trim().min(2).max(120),
  owner: z.string().trim().toLowerCase().pipe(z.email()),
  slug: z
    .string()
    .regex(/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/, "a slug is lowercase letters, digits and dashes")
    .optional(),
});

async function main() {
  const { values } = parseArgs({
    options: { name: { type: "string" }, owner: { type: "string" }, slug: { type: "string" } },
  });
  const parsed = args.safeParse(values);
  if (!parsed.success) {
    console.error(`${parsed.error.issues.map((i) => `--${i.path.join(".")}: ${i.message}`).join("\n")}\n${usage}`);
    process.exit(2);
  }
  // Without DATABASE_URL: the embedded PostgreSQL of a running `npm start`.
  process.env.DATABASE_URL ||= embeddedDatabaseUrl(Number(process.env.EMBEDDED_PG_PORT ?? 54329), "bankline");
  const { name, owner } = parsed.data;
  const slug = parsed.data.slug ?? slugFromName(name);
  try {
    // An organization that does not exist yet is no tenant to narrow to: a named bypass.
    const created = await withAllOrganizations("npm run org:create", () =>
      createOrganizationWithOwner(getDb(), { name, slug, ownerEmail: owner }),
    );
    console.log(`Created ${created.org.name} at /${created.org.slug}.`);
    console.log(
      `Invitation emailed to ${owner} as owner; the link works once, until ${created.expiresAt.toISOString()}.`,
    );
  } catch (err) {
    if (err instanceof DomainError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  } finally {
    await (await getQueue()).stop({ graceful: true, timeout: 5000 }).catch(() => {});
    await getDb().$disconnect();
  }
}

await main();
