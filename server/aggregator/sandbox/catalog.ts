import type { WireVariant } from "@/server/aggregator/client/wire";

// The sandbox's catalog of fictional institutions. The first three rows are part of the
// contract in SANDBOX.md and must not change; the rest give search and the institution
// picker something realistic to chew on (personal and business variants with their URLs).

export interface CatalogInstitution {
  id: string;
  name: string;
  variant: WireVariant;
  loginUrl: string;
  homeUrl: string;
}

const contractRows: CatalogInstitution[] = [
  {
    id: "sandbox-bank-personal",
    name: "Sandbox Bank (Personal)",
    variant: "personal",
    loginUrl: "https://personal.sandboxbank.example",
    homeUrl: "https://www.sandboxbank.example",
  },
  {
    id: "sandbox-bank-business",
    name: "Sandbox Bank (Business)",
    variant: "business",
    loginUrl: "https://business.sandboxbank.example",
    homeUrl: "https://www.sandboxbank.example",
  },
  {
    id: "sandbox-credit-union",
    name: "Sandbox Credit Union",
    variant: "personal",
    loginUrl: "https://www.sandboxcu.example",
    homeUrl: "https://www.sandboxcu.example",
  },
];

/** Banks offered in both variants: [name, domain stem]. */
const twoVariantBanks: [string, string][] = [
  ["Maple Leaf Savings", "mapleleafsavings"],
  ["Riverbend Trust", "riverbendtrust"],
  ["Granite State Bank", "granitestatebank"],
  ["Harborview Bank", "harborviewbank"],
  ["Prairie National Bank", "prairienational"],
  ["Cascade Federal", "cascadefederal"],
  ["Redwood Community Bank", "redwoodcommunity"],
  ["Lakeshore Bank & Trust", "lakeshorebank"],
  ["Summit Valley Bank", "summitvalleybank"],
  ["Bluegrass Farmers Bank", "bluegrassfarmers"],
  ["Desert Sun Bank", "desertsunbank"],
  ["Keystone Heritage Bank", "keystoneheritage"],
  ["Magnolia Savings Bank", "magnoliasavings"],
  ["Northwind Bank", "northwindbank"],
  ["Evergreen Mutual", "evergreenmutual"],
  ["Copper Canyon Bank", "coppercanyonbank"],
  ["Tidewater Bank", "tidewaterbank"],
  ["Ironwood Financial", "ironwoodfinancial"],
  ["Union Square Bank", "unionsquarebank"],
  ["Beacon Hill Bank", "beaconhillbank"],
];

/** Single-variant institutions: [name, domain stem, variant]. */
const singleVariant: [string, string, WireVariant][] = [
  ["Silver Lake Credit Union", "silverlakecu", "personal"],
  ["Pioneer Teachers Credit Union", "pioneerteacherscu", "personal"],
  ["Old Mill Savings Bank", "oldmillsavings", "personal"],
  ["Frontier Card Services", "frontiercard", "personal"],
  ["Commonwealth Nonprofit Bank", "commonwealthnonprofit", "business"],
  ["Citrus Grove Commercial Bank", "citrusgrovecommercial", "business"],
];

const slug = (stem: string) => stem.replace(/[^a-z0-9]+/g, "-");

export const CATALOG: readonly CatalogInstitution[] = [
  ...contractRows,
  ...twoVariantBanks.flatMap(([name, stem]): CatalogInstitution[] => [
    {
      id: `${slug(stem)}-personal`,
      name: `${name} (Personal)`,
      variant: "personal",
      loginUrl: `https://www.${stem}.example/login`,
      homeUrl: `https://www.${stem}.example`,
    },
    {
      id: `${slug(stem)}-business`,
      name: `${name} (Business)`,
      variant: "business",
      loginUrl: `https://business.${stem}.example/signin`,
      homeUrl: `https://www.${stem}.example`,
    },
  ]),
  ...singleVariant.map(([name, stem, variant]) => ({
    id: slug(stem),
    name,
    variant,
    loginUrl: `https://${variant === "business" ? "business" : "online"}.${stem}.example`,
    homeUrl: `https://www.${stem}.example`,
  })),
];

const byId = new Map(CATALOG.map((i) => [i.id, i]));

export function findInstitution(id: string): CatalogInstitution | undefined {
  return byId.get(id);
}

const normalize = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9 ]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();

/** Every word of the query must start a word of the name ("sand bus" finds Sandbox Bank (Business)). */
export function searchCatalog(query: { search?: string; variant?: WireVariant }): CatalogInstitution[] {
  const words = normalize(query.search ?? "")
    .split(" ")
    .filter(Boolean);
  return CATALOG.filter((inst) => {
    if (query.variant && inst.variant !== query.variant) return false;
    const nameWords = normalize(inst.name).split(" ");
    return words.every((w) => nameWords.some((n) => n.startsWith(w)));
  });
}
