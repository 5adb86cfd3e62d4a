import { simpleParser, type ParsedMail } from "mailparser";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

// A real SMTP server for tests (smtp-server), keeping every message it accepts, parsed. While
// `down` it refuses mail with 421 as a server in trouble does.

export interface SmtpSink {
  url: string;
  messages: ParsedMail[];
  down: boolean;
  /** Messages to one address so far. */
  to(address: string): ParsedMail[];
  waitFor(address: string, count?: number, timeoutMs?: number): Promise<ParsedMail[]>;
  stop(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: ParsedMail[] = [];
  const sink = {} as SmtpSink;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onMailFrom(_address, _session, callback) {
      if (sink.down)
        return callback(Object.assign(new Error("Service not available, try again later"), { responseCode: 421 }));
      callback();
    },
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          messages.push(mail);
          callback();
        },
        (err: Error) => callback(err),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  const to = (address: string) =>
    messages.filter((m) => [m.to].flat().some((t) => t?.value.some((v) => v.address === address)));
  Object.assign(sink, {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    down: false,
    to,
    async waitFor(address: string, count = 1, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (to(address).length < count) {
        if (Date.now() > deadline)
          throw new Error(`timed out waiting for ${count} email(s) to ${address}; got ${to(address).length}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      return to(address);
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
  return sink;
}

/** The first link in a message's text that starts with `prefix`. */
export function linkIn(mail: ParsedMail, prefix: string): string {
  const match = (mail.text ?? "").match(new RegExp(`${prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}[^\\s]+`));
  if (!match) throw new Error(`no link starting ${prefix} in:\n${mail.text}`);
  return match[0];
}
