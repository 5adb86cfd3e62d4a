import { log } from "@/server/log";

// Placeholder until the job queue lands: stays up so `npm start` supervises it.
log.info("job worker started");
const timer = setInterval(() => {}, 60_000);
const stop = () => {
  clearInterval(timer);
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
