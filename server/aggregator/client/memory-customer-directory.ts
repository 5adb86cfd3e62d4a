import type { CustomerDirectory } from "./types";

/** A CustomerDirectory in process memory: for `npm run provider:check` and tests, where no organization is stored. */
export function memoryCustomerDirectory(): CustomerDirectory & { entries(): [string, string][] } {
  const byOrganization = new Map<string, string>();
  return {
    async find(organizationId) {
      return byOrganization.get(organizationId) ?? null;
    },
    async save(organizationId, customerId) {
      if (!byOrganization.has(organizationId)) byOrganization.set(organizationId, customerId);
      return byOrganization.get(organizationId)!;
    },
    async organizationOf(customerId) {
      for (const [organizationId, id] of byOrganization) if (id === customerId) return organizationId;
      return null;
    },
    entries: () => [...byOrganization],
  };
}
