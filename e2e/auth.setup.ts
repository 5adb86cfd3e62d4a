import { test as setup } from "@playwright/test";
import { expectSignedInAt, signIn } from "./support/pages";
import { demo, storageStateOf, type DemoUser } from "./support/users";

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
    await expectSignedInAt(page, landing[user]);
    await page.context().storageState({ path: storageStateOf(user) });
  });
}
