import { test as setup } from "@playwright/test";
import { freshCode } from "./support/mail";
import { enterCode, expectSignedInAt, signIn } from "./support/pages";
import { demo, DEMO_STAFF_TOTP_SECRET, storageStateOf, type DemoUser } from "./support/users";

const staff = new Set<DemoUser>(["support", "supportAdmin"]);

const landing: Record<DemoUser, RegExp> = {
  owner: /\/riverside\/institutions$/,
  member: /\/riverside\/institutions$/,
  viewer: /\/riverside\/institutions$/,
  hillcrestOwner: /\/hillcrest\/institutions$/,
  support: /\/admin$/,
  supportAdmin: /\/admin$/,
};

for (const user of Object.keys(demo) as DemoUser[]) {
  setup(`sign in as ${user}`, async ({ page }) => {
    await signIn(page, demo[user]);
    // Staff sign in with a code too (the demo staff's key is printed by npm start).
    if (staff.has(user)) await enterCode(page, (await freshCode(DEMO_STAFF_TOTP_SECRET)).code);
    await expectSignedInAt(page, landing[user]);
    await page.context().storageState({ path: storageStateOf(user) });
  });
}
