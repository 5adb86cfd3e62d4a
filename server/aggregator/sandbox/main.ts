import { createServer } from "node:http";
import { log } from "@/server/log";

// Placeholder until the sandbox aggregator lands: answers its health check only.
const port = Number(process.env.SANDBOX_PORT ?? 4010);
const server = createServer((req, res) => {
  if (req.url === "/health") {
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status: "ok" }));
    return;
  }
  res.writeHead(404).end();
});
server.listen(port, "127.0.0.1", () => log.info({ port }, "sandbox aggregator listening"));
const stop = () => server.close(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
