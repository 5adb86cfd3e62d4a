/** A bank description reduced to the words that name the merchant, plus what similarity needs. */
export interface NormalizedDescription {
  /** Comparisons already made with other descriptions: a feed pairs the same few hundred texts over and over. */
  compared?: Map<NormalizedDescription, DescriptionComparison>;
  /** Merchant words, lower case, no store numbers, prefixes, punctuation or trailing state. */
  tokens: string[];
  /** Sorted character-bigram codes of the joined tokens. */
  bigrams: Uint32Array;
  /** Numbers in the text, leading zeros dropped: dates like "3/14" apart from references and store numbers. */
  numbers: { dates: Set<string>; others: Set<string> };
  /** The first two merchant words (see merchantKey). */
  merchant: string;
  /** "PURCHASE AUTHORIZED ON 03/14 …": the month and day the card was used, when the bank says so. */
  authorized: { month: number; day: number } | null;
  /** The first merchant word: coarser than `merchant`, and kept when a link adds a city ("ZOOM.US SPRINGFIELD"). */
  brand: string;
}

// Card processors and bank wording put in front of the merchant: "SQ *", "TST*", "POS DEBIT", "PURCHASE AUTHORIZED ON 03/14".
const LEADING_NOISE = [
  /^(?:sq|sqr|square|tst|toast|sp|py|in|pp|paypal|dd|bt|fs|cke|par|ptc|clv|spo)\s*\*\s*/,
  /^(?:pos|atm|ach|eft|dbt|ppd|web|ccd)\b\s*(?:debit|credit|purchase|withdrawal|pmt|payment)?\s*/,
  /^(?:debit|credit|check|visa|mc)\s*card\s*(?:purchase|pmt|payment)?\s*(?:-\s*)?/,
  /^checkcard\s*/,
  /^(?:recurring\s+)?(?:purchase|payment)\s+(?:authorized|auth)\s+on\s+[\d/]+\s*/,
  /^(?:purchase|pmt|payment)\s+/,
];

const NOISE_WORDS = new Set([
  "pos", "debit", "credit", "purchase", "card", "checkcard", "inc", "llc", "ltd", "corp", "co", "the", "store",
  "str", "www", "com", "net", "org", "us", "usa", "x", "xx", "xxx", "xxxx", "ref", "id", "no", "pmt", "recurring",
]);

const US_STATES = new Set(
  ("al ak az ar ca co ct de fl ga hi id il in ia ks ky la me md ma mi mn ms mo mt ne nv nh nj nm ny nc nd oh ok or pa ri sc " +
    "sd tn tx ut vt va wa wv wi wy dc").split(" "),
);

const cache = new Map<string, NormalizedDescription>();
const CACHE_LIMIT = 200_000;
const COMPARISON_LIMIT = 500_000;
let comparisonsRemembered = 0;

/** Cached: bank feeds repeat the same few hundred descriptions thousands of times. */
export function normalizeDescription(description: string): NormalizedDescription {
  const hit = cache.get(description);
  if (hit) return hit;
  const tokens = merchantTokens(description);
  const normalized = {
    tokens,
    bigrams: bigramCodes(tokens.join("")),
    numbers: numbersIn(description),
    merchant: tokens.slice(0, 2).join(" "),
    brand: tokens[0] ?? "",
    authorized: authorizedOn(description),
  };
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(description, normalized);
  return normalized;
}

/** The merchant words of a description, for display in tests and docs. */
export function merchantTokens(description: string): string[] {
  let text = description.toLowerCase().replace(/&/g, " and ").trim();
  for (let pass = 0; pass < 3; pass++) {
    const before = text;
    for (const pattern of LEADING_NOISE) text = text.replace(pattern, "");
    if (text === before) break;
  }
  const words = text
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== "" && !/\d/.test(word) && !NOISE_WORDS.has(word));
  // A trailing state ("SPRINGFIELD IL") is location, not merchant; keep it when it is most of the text.
  if (words.length >= 3 && US_STATES.has(words[words.length - 1]!)) words.pop();
  return words;
}

function authorizedOn(description: string): NormalizedDescription["authorized"] {
  const found = /\bauthori[sz]ed\s+on\s+(\d{1,2})\/(\d{1,2})\b/i.exec(description);
  return found ? { month: Number(found[1]), day: Number(found[2]) } : null;
}

function numbersIn(description: string): NormalizedDescription["numbers"] {
  const dates = new Set<string>();
  const others = new Set<string>();
  for (const found of description.matchAll(/\d+(?:[/-]\d+)*/g)) {
    const text = found[0].split(/[/-]/).map((part) => part.replace(/^0+(?=\d)/, "")).join("/");
    if (/^\d{1,2}\/\d{1,2}(\/\d{2,4})?$/.test(text)) dates.add(text);
    else others.add(text);
  }
  return { dates, others };
}

/**
 * True when both descriptions carry numbers of the same sort and share none: two deposits "REF 7233…" and
 * "REF 1114…", or "AUTHORIZED ON 03/29" against "03/30". Banks keep these across links; a missing number says nothing.
 */
export function numbersDisagree(a: NormalizedDescription, b: NormalizedDescription): boolean {
  return disjoint(a.numbers.dates, b.numbers.dates) || disjoint(a.numbers.others, b.numbers.others);
}

function disjoint(a: Set<string>, b: Set<string>): boolean {
  if (a.size === 0 || b.size === 0) return false;
  for (const value of a) if (b.has(value)) return false;
  return true;
}

function bigramCodes(text: string): Uint32Array {
  if (text.length < 2) return new Uint32Array(text.length === 1 ? [text.charCodeAt(0)] : []);
  const codes = new Uint32Array(text.length - 1);
  for (let i = 0; i < text.length - 1; i++) codes[i] = text.charCodeAt(i) * 65536 + text.charCodeAt(i + 1);
  return codes.sort();
}

function diceCoefficient(a: Uint32Array, b: Uint32Array): number {
  if (a.length === 0 && b.length === 0) return 1;
  if (a.length === 0 || b.length === 0) return 0;
  let i = 0;
  let j = 0;
  let common = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      common++;
      i++;
      j++;
    } else if (a[i]! < b[j]!) i++;
    else j++;
  }
  return (2 * common) / (a.length + b.length);
}

// Banks truncate words ("PROPERT", "COFFE"): a long enough prefix counts as the same word.
function sameWord(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.min(a.length, b.length) < 4) return false;
  return a.startsWith(b) || b.startsWith(a);
}

/**
 * Shared words over the shorter description's words: 1 when one is the other plus a city or suffix.
 * Extra words in front ("MOBILE DEPOSIT" against "DEPOSIT") qualify the merchant, so they count against.
 */
function overlapCoefficient(a: string[], b: string[]): number {
  if (a.length === 0 || b.length === 0) return a.length === b.length ? 1 : 0;
  const [shorter, longer] = a.length <= b.length ? [a, b] : [b, a];
  const used = new Array<boolean>(longer.length).fill(false);
  let shared = 0;
  let firstUsed = longer.length;
  for (const word of shorter) {
    for (let at = 0; at < longer.length; at++) {
      if (used[at] || !sameWord(word, longer[at]!)) continue;
      used[at] = true;
      shared++;
      firstUsed = Math.min(firstUsed, at);
      break;
    }
  }
  const leadingExtra = shared === 0 ? 0 : firstUsed;
  return shared / (shorter.length + leadingExtra);
}

export interface DescriptionComparison {
  similarity: number;
  numbersDisagree: boolean;
}

/** Similarity and disagreeing numbers of two descriptions, remembered for the next pair of the same texts. */
export function compareDescriptions(a: NormalizedDescription, b: NormalizedDescription): DescriptionComparison {
  a.compared ??= new Map();
  let comparison = a.compared.get(b);
  if (!comparison) {
    comparison = { similarity: descriptionSimilarity(a, b), numbersDisagree: numbersDisagree(a, b) };
    a.compared.set(b, comparison);
    // Keeps a long-running process's memory bounded: forget everything now and then.
    if (++comparisonsRemembered > COMPARISON_LIMIT) {
      cache.clear();
      comparisonsRemembered = 0;
    }
  }
  return comparison;
}

/** 0..1 similarity of two descriptions after normalization. */
export function descriptionSimilarity(a: NormalizedDescription, b: NormalizedDescription): number {
  if (a === b) return 1;
  const dice = diceCoefficient(a.bigrams, b.bigrams);
  return Math.max(dice, 0.6 * overlapCoefficient(a.tokens, b.tokens) + 0.4 * dice);
}

/** The first two merchant words, enough to tell one merchant's visits from another's. */
export function merchantKey(description: NormalizedDescription): string {
  return description.merchant;
}
