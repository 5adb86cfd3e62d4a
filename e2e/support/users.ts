// The demo sign-ins seeded into every end-to-end database (server/demo/seed.ts).
export const DEMO_PASSWORD = "bankline-demo";
/** The demo staff's authenticator key (server/demo/seed.ts). */
export const DEMO_STAFF_TOTP_SECRET = "BANKLINEDEMOSTAFFTOTPKEYFORQAXYZ";

export const demo = {
  owner: "owner@riverside.example",
  member: "member@riverside.example",
  viewer: "viewer@riverside.example",
  hillcrestOwner: "owner@hillcrest.example",
  support: "support@bankline.example",
  supportAdmin: "supportadmin@bankline.example",
} as const;
export type DemoUser = keyof typeof demo;

export const storageStateOf = (user: DemoUser) => `e2e/.auth/${user}.json`;
