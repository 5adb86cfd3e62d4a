import { formatDayNumber } from "../dates";
import type { Random } from "./random";
import type { RealTransaction } from "./world";

/** How one aggregator connection words and dates transactions; a re-link may change any of it. */
export interface LinkStyle {
  /** Card and deposit rows dated when they happened, or when they posted. */
  dates: "happened" | "posted";
  letterCase: "upper" | "title";
  storeNumber: "plain" | "hash" | "none";
  location: boolean;
  processorSpace: boolean;
  cardPrefix: "" | "POS DEBIT " | "DEBIT CARD PURCHASE - " | "PURCHASE AUTHORIZED ON {md} ";
  /** Card networks cut the merchant descriptor (processor, name, store) to a fixed width. */
  width: number | null;
  /** Share of rows whose date this link moves by a few days for no visible reason. */
  jitter: number;
  check: "CHECK {n}" | "CHECK #{n}" | "CHK #{n}";
  reference: boolean;
}

export function randomStyle(random: Random): LinkStyle {
  return {
    dates: random.chance(0.6) ? "happened" : "posted",
    letterCase: random.chance(0.8) ? "upper" : "title",
    storeNumber: random.pick(["plain", "hash", "none"] as const),
    location: random.chance(0.6),
    processorSpace: random.chance(0.7),
    cardPrefix: random.weighted([
      ["", 60],
      ["POS DEBIT ", 15],
      ["DEBIT CARD PURCHASE - ", 15],
      ["PURCHASE AUTHORIZED ON {md} ", 10],
    ] as const),
    width: random.weighted([
      [null, 60],
      [25, 25],
      [22, 15],
    ] as const),
    jitter: random.weighted([
      [0, 70],
      [0.1, 20],
      [0.3, 10],
    ] as const),
    check: random.pick(["CHECK {n}", "CHECK #{n}", "CHK #{n}"] as const),
    reference: random.chance(0.3),
  };
}

/** A re-link through another connection: each habit changes with the given probability. */
export function relinkStyle(previous: LinkStyle, random: Random, changeRate: number): LinkStyle {
  const fresh = randomStyle(random);
  const keep = <K extends keyof LinkStyle>(key: K): LinkStyle[K] =>
    random.chance(changeRate) ? fresh[key] : previous[key];
  return {
    dates: keep("dates"),
    letterCase: keep("letterCase"),
    storeNumber: keep("storeNumber"),
    location: keep("location"),
    processorSpace: keep("processorSpace"),
    cardPrefix: keep("cardPrefix"),
    width: keep("width"),
    jitter: keep("jitter"),
    check: keep("check"),
    reference: keep("reference"),
  };
}

function titleCase(text: string): string {
  return text
    .toLowerCase()
    .replace(/(^|[\s*#/.-])([a-z])/g, (_, before: string, letter: string) => before + letter.toUpperCase());
}

/** The description a feed shows for a transaction, posted or pending. */
export function describe(transaction: RealTransaction, style: LinkStyle, pending: boolean): string {
  const merchant = transaction.merchant;
  let text: string;
  switch (merchant.channel) {
    case "card": {
      const processor = merchant.processor
        ? merchant.processor +
          (merchant.processor === "SQ" ? (style.processorSpace ? " *" : "*") : style.processorSpace ? "* " : "*")
        : "";
      const store = pending || !merchant.store ? "" : storeText(merchant.store, style.storeNumber);
      const place = !pending && style.location && merchant.city ? ` ${merchant.city} ${merchant.state}` : "";
      const prefix = pending ? "" : style.cardPrefix.replace("{md}", monthDay(transaction.authDay));
      const descriptor = `${processor}${merchant.name}${store}`;
      text = `${prefix}${style.width ? descriptor.slice(0, style.width).trimEnd() : descriptor}${place}`;
      break;
    }
    case "check":
      text = style.check.replace("{n}", transaction.checkNumber ?? "");
      break;
    case "deposit":
    case "transfer":
    case "ach":
      text = style.reference ? `${merchant.name} REF ${transaction.reference}` : merchant.name;
      break;
    default:
      text = merchant.name;
  }
  return style.letterCase === "title" ? titleCase(text) : text;
}

function storeText(store: string, format: LinkStyle["storeNumber"]): string {
  if (format === "none") return "";
  return format === "hash" ? ` #${store.replace(/^0+/, "")}` : ` ${store}`;
}

function monthDay(day: number): string {
  const date = formatDayNumber(day);
  return `${date.slice(5, 7)}/${date.slice(8, 10)}`;
}

/** The date a link shows: the day it happened or posted; checks only have a posting day. */
export function linkDay(transaction: RealTransaction, style: LinkStyle, pending: boolean): number {
  if (pending) return transaction.authDay;
  const day =
    transaction.merchant.channel === "check" || style.dates === "posted" ? transaction.postDay : transaction.authDay;
  return day + jitterOf(transaction, style);
}

// Deterministic per transaction and link, so a link shows a transaction on the same day every time.
function jitterOf(transaction: RealTransaction, style: LinkStyle): number {
  if (style.jitter === 0) return 0;
  const hash = ((Number(transaction.reference) * 2654435761) % 4294967296) / 4294967296;
  if (hash >= style.jitter) return 0;
  return [1, 1, 2, 3, -1][Math.floor((hash / style.jitter) * 5)]!;
}

/**
 * A transaction as a link shows it, pending or posted: the date and wording of its style (unless revised), the
 * amount of the moment and the link's id for it.
 */
export function linkedRow(
  transaction: RealTransaction,
  style: LinkStyle,
  ids: LinkIds,
  pending: boolean,
  revised: { day?: number; description?: string } = {},
) {
  return {
    date: formatDayNumber(revised.day ?? linkDay(transaction, style, pending)),
    amountCents: pending ? transaction.pendingAmountCents : transaction.amountCents,
    description: revised.description ?? describe(transaction, style, pending),
    pending,
    providerId: pending ? ids.pendingId(transaction) : ids.postedId(transaction),
  };
}

/** Provider ids of one link: each transaction gets its own, pending and posted versions apart. */
export class LinkIds {
  private readonly posted = new Map<string, string>();
  private readonly pending = new Map<string, string>();

  constructor(
    private readonly name: string,
    private readonly random: Random,
  ) {}

  postedId(transaction: RealTransaction): string {
    return this.idFor(this.posted, transaction, "p");
  }

  pendingId(transaction: RealTransaction): string {
    return this.idFor(this.pending, transaction, "h");
  }

  private idFor(map: Map<string, string>, transaction: RealTransaction, kind: string): string {
    let id = map.get(transaction.realId);
    if (!id) {
      id = `${this.name}${kind}_${this.random.token(10)}`;
      map.set(transaction.realId, id);
    }
    return id;
  }
}
