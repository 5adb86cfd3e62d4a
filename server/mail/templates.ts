import { z } from "zod";
import { FACTORS } from "@/server/auth/throttle";

// Every email Bankline sends: a plain-text and an HTML part from the same words. Bodies are
// rendered at delivery from the outbox row's kind and data; a link's token is made then and
// never stored.

export const MAIL_KINDS = [
  "invitation",
  "password-reset",
  "connection-problem",
  "connection-reminder",
  "connection-fixed",
  "weekly-summary",
  "sign-in-guessed",
] as const;
export type MailKind = (typeof MAIL_KINDS)[number];

/** The kinds a person may stop, each with what the setting is called. */
export const OPTIONAL_MAIL = {
  "connection-problems": "Emails when a bank connection needs you (and when it is fixed)",
  "weekly-summary": "A weekly summary of your organization's connections and bank feed (owners)",
} as const;
export type OptionalMail = keyof typeof OPTIONAL_MAIL;

export function optionalMailOf(kind: MailKind): OptionalMail | null {
  if (kind === "connection-problem" || kind === "connection-reminder" || kind === "connection-fixed")
    return "connection-problems";
  if (kind === "weekly-summary") return "weekly-summary";
  return null;
}

export const invitationData = z.object({
  invitationId: z.string(),
  organizationName: z.string(),
  role: z.string(),
  inviterName: z.string().nullable(),
});
export const passwordResetData = z.object({ resetId: z.string(), name: z.string() });
export const connectionMailData = z.object({
  organizationName: z.string(),
  orgSlug: z.string(),
  connectionId: z.string(),
  institutionName: z.string(),
  code: z.number(),
  customerTitle: z.string(),
  meaning: z.string(),
  nextStep: z.string(),
  since: z.string(),
});
export const weeklySummaryData = z.object({
  organizationName: z.string(),
  orgSlug: z.string(),
  weekOf: z.string(),
  connections: z.array(z.object({ institutionName: z.string(), status: z.string(), problem: z.string().nullable() })),
  newTransactions: z.number(),
  possibleDuplicates: z.number(),
});

export const signInGuessedData = z.object({
  name: z.string(),
  failures: z.number(),
  factor: z.enum(FACTORS),
  at: z.string(),
});

export interface RenderLinks {
  appUrl: string;
  /** The single-use link of an invitation or a password reset. */
  action?: string;
  /** One-click stop for optional kinds. */
  unsubscribe?: string;
}

export interface RenderedMail {
  text: string;
  html: string;
}

interface Body {
  greeting?: string;
  paragraphs: string[];
  button?: { label: string; href: string };
  list?: string[];
  footer?: string[];
}

const ROLE_WORDS: Record<string, string> = {
  OWNER: "an owner",
  ADMIN: "an admin",
  MEMBER: "a member",
  VIEWER: "a viewer",
};

export function renderMail(kind: MailKind, data: unknown, links: RenderLinks): RenderedMail {
  return layout(bodyOf(kind, data, links), links);
}

function bodyOf(kind: MailKind, raw: unknown, links: RenderLinks): Body {
  switch (kind) {
    case "invitation": {
      const d = invitationData.parse(raw);
      return {
        paragraphs: [
          `${d.inviterName ?? "Bankline"} invited you to join ${d.organizationName} on Bankline ` +
            `as ${ROLE_WORDS[d.role] ?? d.role.toLowerCase()}.`,
          "The link below works once and for 7 days. If you did not expect this, ignore this email.",
        ],
        button: { label: "Accept the invitation", href: links.action! },
      };
    }
    case "password-reset": {
      const d = passwordResetData.parse(raw);
      return {
        greeting: `Hello ${d.name},`,
        paragraphs: [
          "Someone asked to reset the password of your Bankline account. " +
            "The link below works once and for 30 minutes; choosing a new password signs you out everywhere.",
          "If it was not you, ignore this email: your password stays as it is.",
        ],
        button: { label: "Choose a new password", href: links.action! },
      };
    }
    case "connection-problem":
    case "connection-reminder": {
      const d = connectionMailData.parse(raw);
      const href = connectionLink(links.appUrl, d);
      return {
        paragraphs: [
          kind === "connection-reminder"
            ? `A reminder: ${d.institutionName} of ${d.organizationName} still needs someone, ` +
              `since ${formatDay(d.since)}. Until then Bankline cannot bring its transactions in.`
            : `${d.institutionName} of ${d.organizationName} needs someone: ` +
              "Bankline cannot bring its transactions in until it is fixed.",
          `Error ${d.code}: ${d.customerTitle}. (${d.meaning}.)`,
          `What to do: ${d.nextStep}`,
        ],
        button: { label: "Open it on Manage Institutions", href },
      };
    }
    case "connection-fixed": {
      const d = connectionMailData.parse(raw);
      return {
        paragraphs: [
          `${d.institutionName} of ${d.organizationName} works again: ` +
            "Bankline brings its transactions in as before. Nothing more is needed.",
        ],
        button: { label: "See it on Manage Institutions", href: connectionLink(links.appUrl, d) },
      };
    }
    case "sign-in-guessed": {
      const d = signInGuessedData.parse(raw);
      const what = d.factor === "code" ? "two-factor codes" : "passwords";
      return {
        greeting: `Hello ${d.name},`,
        paragraphs: [
          `${d.failures} wrong ${what} were tried for your Bankline account in the last hour, ` +
            "from an address you have not signed in from lately. " +
            "Each further wrong try makes the next one wait longer.",
          "If it was you, nothing is needed. " +
            "If not, your password is still safe as long as it is not used elsewhere; " +
            "to be sure, choose a new one and turn on two-factor sign-in from your account page.",
        ],
        button: { label: "Open your account page", href: `${links.appUrl}/account` },
      };
    }
    case "weekly-summary": {
      const d = weeklySummaryData.parse(raw);
      return {
        paragraphs: [
          `${d.organizationName}, the week of ${formatDay(d.weekOf)}:`,
          `${d.newTransactions} new transaction${d.newTransactions === 1 ? "" : "s"} waiting for review ` +
            `and ${d.possibleDuplicates} possible duplicate${d.possibleDuplicates === 1 ? "" : "s"} in the bank feed.`,
        ],
        list: d.connections.length
          ? d.connections.map((c) => `${c.institutionName}: ${c.status}${c.problem ? ` (${c.problem})` : ""}`)
          : ["No bank connections yet."],
        button: { label: "Open the bank feed", href: `${links.appUrl}/${d.orgSlug}/feed` },
      };
    }
  }
}

function connectionLink(appUrl: string, d: { orgSlug: string; connectionId: string }) {
  return `${appUrl}/${d.orgSlug}/institutions#connection-${d.connectionId}`;
}

function formatDay(iso: string) {
  return new Date(iso).toLocaleDateString("en-US", { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" });
}

function layout(body: Body, links: RenderLinks): RenderedMail {
  const footer = [
    ...(body.footer ?? []),
    ...(links.unsubscribe ? [`To stop these emails: ${links.unsubscribe}`] : []),
    "Bankline",
  ];
  const text = [
    ...(body.greeting ? [body.greeting] : []),
    ...body.paragraphs,
    ...(body.list ? [body.list.map((item) => `- ${item}`).join("\n")] : []),
    ...(body.button ? [`${body.button.label}: ${body.button.href}`] : []),
    "--",
    ...footer,
  ].join("\n\n");

  const p = (s: string) => `<p style="margin:0 0 16px">${escapeHtml(s)}</p>`;
  const bodyStyle =
    "margin:0;padding:24px;background:#f4f6f8;font-family:Arial,Helvetica,sans-serif;color:#1f2933;font-size:15px;" +
    "line-height:1.5";
  const listHtml = body.list
    ? `<ul style="margin:0 0 16px;padding-left:20px">${body.list.map((i) => `<li>${escapeHtml(i)}</li>`).join("")}</ul>`
    : "";
  const buttonHtml = body.button
    ? `<p style="margin:24px 0"><a href="${escapeHtml(body.button.href)}" ` +
      'style="background:#0b5cad;color:#ffffff;padding:10px 16px;border-radius:6px;text-decoration:none;' +
      `display:inline-block">${escapeHtml(body.button.label)}</a></p>` +
      '<p style="margin:0 0 16px;font-size:13px;color:#52606d">' +
      `Or open this address: ${escapeHtml(body.button.href)}</p>`
    : "";
  const footerHtml = (body.footer ?? [])
    .map((f) => `<p style="margin:0 0 8px;font-size:13px;color:#52606d">${escapeHtml(f)}</p>`)
    .join("");
  const unsubscribeHtml = links.unsubscribe
    ? '<p style="margin:0;font-size:13px;color:#52606d">' +
      `<a href="${escapeHtml(links.unsubscribe)}" style="color:#52606d">Stop these emails</a></p>`
    : "";
  const html = `<!doctype html>
<html lang="en"><body style="${bodyStyle}">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:24px">
<p style="margin:0 0 16px;font-weight:bold;color:#0b3b5c">Bankline</p>
${body.greeting ? p(body.greeting) : ""}${body.paragraphs.map(p).join("\n")}
${listHtml}
${buttonHtml}
<hr style="border:none;border-top:1px solid #e4e7eb;margin:24px 0 16px">
${footerHtml}
${unsubscribeHtml}
</div></body></html>`;
  return { text, html };
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}
