import { generateSync } from "otplib";
import { DEMO_STAFF_TOTP_SECRET } from "@/server/demo/seed";

// `npm run --silent totp [-- KEY]`: the current two-factor code for an authenticator key (the
// demo staff's key by default), as an authenticator app would show it.

const key = (process.argv[2] ?? DEMO_STAFF_TOTP_SECRET).replace(/\s+/g, "").toUpperCase();
const secondsLeft = 30 - (Math.floor(Date.now() / 1000) % 30);
console.log(generateSync({ secret: key }));
console.error(`(good for ${secondsLeft} more seconds, and once)`);
