import type { CustomerDirectory } from "@/server/aggregator/client";
import type { Db } from "@/server/db/client";

/** The organizations' customers at a provider, in AggregatorCustomer. */
export function customerDirectory(db: Db, provider: string): CustomerDirectory {
  return {
    async find(organizationId) {
      const row = await db.aggregatorCustomer.findUnique({
        where: { organizationId_provider: { organizationId, provider } },
        select: { customerId: true },
      });
      return row?.customerId ?? null;
    },
    async save(organizationId, customerId) {
      await db.aggregatorCustomer.createMany({
        data: [{ organizationId, provider, customerId }],
        skipDuplicates: true,
      });
      const row = await db.aggregatorCustomer.findUniqueOrThrow({
        where: { organizationId_provider: { organizationId, provider } },
        select: { customerId: true },
      });
      return row.customerId;
    },
    async organizationOf(customerId) {
      const row = await db.aggregatorCustomer.findUnique({
        where: { provider_customerId: { provider, customerId } },
        select: { organizationId: true },
      });
      return row?.organizationId ?? null;
    },
  };
}
