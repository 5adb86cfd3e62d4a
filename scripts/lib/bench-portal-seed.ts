import pg from "pg";
import { hashPassword } from "@/server/auth/password";

// A database of realistic size for `npm run bench:portal`, written with set-based SQL (a few
// seconds): 50 organizations, each with an owner, 4 connections at 10 institutions (200), two
// accounts per connection posting to the organization's two registers, 4 000 register entries
// per organization (200 000) over two years, 100 feed rows per account (40 000: imported, new
// and possible duplicates naming the entry they match), and a month of nightly history per
// connection. Ids are predictable so the benchmark can name what it reads.

export const BENCH_ORGS = 50;
export const BENCH_PASSWORD = "bench-portal-password";
const CONNECTIONS_PER_ORG = 4;
const ENTRIES_PER_ORG = 4_000;
const FEED_PER_ACCOUNT = 100;

export interface BenchOwner {
  email: string;
  orgSlug: string;
  registerId: string;
  bankAccountId: string;
}

export const benchOwner = (n: number): BenchOwner => ({
  email: `owner-${n}@bench.example`,
  orgSlug: `bench-${n}`,
  registerId: `bench-register-${n}-checking`,
  bankAccountId: `bench-account-${n}-1-checking`,
});

export async function seedPortalBench(databaseUrl: string) {
  const passwordHash = await hashPassword(BENCH_PASSWORD);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("BEGIN");
    await client.query(`
      INSERT INTO "Institution" (id, name, variant, "loginUrl", "updatedAt")
      SELECT 'bench-institution-' || i,
        'Bench Bank ' || i || CASE WHEN i % 2 = 0 THEN ' (Business)' ELSE ' (Personal)' END,
        (CASE WHEN i % 2 = 0 THEN 'BUSINESS' ELSE 'PERSONAL' END)::"InstitutionVariant",
        'https://bank' || i || '.bench.example', now()
      FROM generate_series(1, 10) i`);
    await client.query(
      `
      INSERT INTO "Organization" (id, slug, name)
      SELECT 'bench-org-' || o, 'bench-' || o, 'Bench Organization ' || o FROM generate_series(1, $1::int) o`,
      [BENCH_ORGS],
    );
    await client.query(
      `
      INSERT INTO "User" (id, email, name, "passwordHash", "updatedAt")
      SELECT 'bench-user-' || o, 'owner-' || o || '@bench.example', 'Owner ' || o, $2, now()
      FROM generate_series(1, $1::int) o`,
      [BENCH_ORGS, passwordHash],
    );
    await client.query(
      `
      INSERT INTO "Membership" (id, "organizationId", "userId", role)
      SELECT 'bench-membership-' || o, 'bench-org-' || o, 'bench-user-' || o, 'OWNER'
      FROM generate_series(1, $1::int) o`,
      [BENCH_ORGS],
    );
    await client.query(
      `
      INSERT INTO "Register" (id, "organizationId", name, kind)
      SELECT 'bench-register-' || o || '-' || k, 'bench-org-' || o,
        CASE k WHEN 'checking' THEN 'Operating Checking' ELSE 'Reserve Savings' END, k
      FROM generate_series(1, $1::int) o, unnest(ARRAY['checking', 'savings']) k`,
      [BENCH_ORGS],
    );
    // One connection in ten needs its customer (103), as in life.
    await client.query(
      `
      INSERT INTO "Connection" (id, "organizationId", "institutionId", "providerLoginId", status, "lastStatusCode",
        "lastSuccessAt", "lastAttemptAt", "createdAt", "updatedAt")
      SELECT 'bench-connection-' || o || '-' || c, 'bench-org-' || o, 'bench-institution-' || (1 + (o * 7 + c) % 10),
        'bench-login-' || o || '-' || c,
        (CASE WHEN (o + c) % 10 = 0 THEN 'ACTION_REQUIRED' ELSE 'ACTIVE' END)::"ConnectionStatus",
        CASE WHEN (o + c) % 10 = 0 THEN 103 ELSE 0 END,
        now() - interval '1 day', now() - interval '6 hours', now() - interval '400 days', now()
      FROM generate_series(1, $1::int) o, generate_series(1, $2::int) c`,
      [BENCH_ORGS, CONNECTIONS_PER_ORG],
    );
    await client.query(
      `
      INSERT INTO "BankAccount" (id, "organizationId", "connectionId", "providerAccountId", name, kind, mask,
        "balanceCents", linked, "registerId", "updatedAt")
      SELECT 'bench-account-' || o || '-' || c || '-' || k, 'bench-org-' || o, 'bench-connection-' || o || '-' || c,
        'acct-' || o || '-' || c || '-' || k,
        CASE k WHEN 'checking' THEN 'Checking ' ELSE 'Savings ' END || c, k,
        lpad(((o * 97 + c * 13) % 10000)::text, 4, '0'),
        (o * 100003 + c * 7919) % 5000000, true, 'bench-register-' || o || '-' || k, now()
      FROM generate_series(1, $1::int) o, generate_series(1, $2::int) c, unnest(ARRAY['checking', 'savings']) k`,
      [BENCH_ORGS, CONNECTIONS_PER_ORG],
    );
    await client.query(
      `
      INSERT INTO "RegisterEntry" (id, "organizationId", "registerId", date, "amountCents", description, "checkNumber",
        source, "createdById", "createdAt")
      SELECT 'bench-entry-' || o || '-' || e, 'bench-org-' || o,
        'bench-register-' || o || '-' || CASE WHEN e % 4 = 0 THEN 'savings' ELSE 'checking' END,
        (current_date - (e * 730 / $2::int))::date,
        CASE WHEN e % 9 = 0 THEN 250000 + (e * 131) % 90000 ELSE -((e * 7919 + o * 31) % 48000 + 100) END,
        (ARRAY['Grocery Outlet', 'PG&E utility payment', 'Costco Wholesale', 'Staples office supplies', 'Payroll ADP',
               'Donation deposit', 'Comcast business', 'Shell fuel', 'Rent Hillside Properties',
               'Sysco food service'])[1 + (e * 3 + o) % 10] || ' #' || (e % 500),
        CASE WHEN e % 37 = 0 THEN (1000 + e % 9000)::text END,
        (CASE WHEN e % 11 = 0 THEN 'MANUAL' ELSE 'IMPORT' END)::"RegisterEntrySource", 'bench-user-' || o,
        now() - (e * interval '15 minutes')
      FROM generate_series(1, $1::int) o, generate_series(1, $2::int) e`,
      [BENCH_ORGS, ENTRIES_PER_ORG],
    );
    await client.query(
      `
      INSERT INTO "FeedTransaction" (id, "organizationId", "bankAccountId", "providerTransactionId", date,
        "amountCents", description, state, "matchRegisterEntryId", "matchScore", "matchReasons",
        "importedAt", "updatedAt")
      SELECT 'bench-feed-' || o || '-' || c || '-' || k || '-' || f, 'bench-org-' || o,
        'bench-account-' || o || '-' || c || '-' || k, 'txn-' || o || '-' || c || '-' || k || '-' || f,
        (current_date - f)::date, -((f * 7919 + o * 31 + c) % 48000 + 100),
        (ARRAY['GROCERY OUTLET 0412', 'PG&E WEB ONLINE', 'COSTCO WHSE #118', 'STAPLES 00231',
               'ADP PAYROLL'])[1 + (f + c) % 5],
        (CASE WHEN f % 10 = 0 THEN 'POSSIBLE_DUPLICATE' WHEN f % 10 < 4 THEN 'NEW' ELSE 'IMPORTED' END)::"FeedState",
        CASE WHEN f % 10 = 0 THEN 'bench-entry-' || o || '-' || (1 + (f * 31 + c) % $3::int) END,
        CASE WHEN f % 10 = 0 THEN 0.78 END,
        CASE WHEN f % 10 = 0 THEN '["same amount", "dates 1 day apart", "description 81% similar"]'::jsonb END,
        CASE WHEN f % 10 >= 4 THEN now() - f * interval '1 day' END, now()
      FROM generate_series(1, $1::int) o, generate_series(1, $4::int) c, unnest(ARRAY['checking', 'savings']) k,
        generate_series(1, $2::int) f`,
      [BENCH_ORGS, FEED_PER_ACCOUNT, ENTRIES_PER_ORG, CONNECTIONS_PER_ORG],
    );
    await client.query(
      `
      INSERT INTO "ConnectionEvent" (id, "organizationId", "connectionId", "institutionId", kind, trigger, "statusCode",
        message, "startedAt", "durationMs", "transactionCount", "createdAt")
      SELECT 'bench-event-' || o || '-' || c || '-' || d, 'bench-org-' || o, 'bench-connection-' || o || '-' || c,
        'bench-institution-' || (1 + (o * 7 + c) % 10),
        'REFRESH', 'SCHEDULE', 0, 'Aggregation succeeded', now() - d * interval '1 day', 1800 + d * 37, d % 4,
        now() - d * interval '1 day'
      FROM generate_series(1, $1::int) o, generate_series(1, $2::int) c, generate_series(1, 30) d`,
      [BENCH_ORGS, CONNECTIONS_PER_ORG],
    );
    await client.query("COMMIT");
    // What autovacuum does to a table that has settled: statistics, and the visibility map index-only scans rely on.
    await client.query("VACUUM ANALYZE");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    await client.end();
  }
}
