/** A bank description reduced to the words that name the merchant, plus what similarity needs. */
export interface NormalizedDescription {
  /** Comparisons already made with other descriptions: a feed pairs the same few hundred texts over and over. */
  compared?: Map<NormalizedDescription, DescriptionComparison>;
  /** The same, against descriptions typed by hand. */
  comparedByHand?: Map<NormalizedDescription, DescriptionComparison>;
  /** The text without case, punctuation and spacing: two descriptions without merchant words compare by it. */
  text: string;
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

// Card processors and bank wording put in front of the merchant: "SQ *", "TST*", "POS DEBIT",
// "PURCHASE AUTHORIZED ON 03/14".
const LEADING_NOISE = [
  /^(?:sq|sqr|square|tst|toast|sp|py|in|pp|paypal|dd|bt|fs|cke|par|ptc|clv|spo)\s*\*\s*/,
  /^(?:pos|atm|ach|eft|dbt|ppd|web|ccd)\b\s*(?:debit|credit|purchase|withdrawal|pmt|payment)?\s*/,
  /^(?:debit|credit|check|visa|mc)\s*card\s*(?:purchase|pmt|payment)?\s*(?:-\s*)?/,
  /^checkcard\s*/,
  /^(?:recurring\s+)?(?:purchase|payment)\s+(?:authorized|auth)\s+on\s+[\d/]+\s*/,
  /^(?:purchase|pmt|payment)\s+/,
];

const NOISE_WORDS = new Set([
  "pos",
  "debit",
  "credit",
  "purchase",
  "card",
  "checkcard",
  "inc",
  "llc",
  "ltd",
  "corp",
  "co",
  "the",
  "store",
  "str",
  "www",
  "com",
  "net",
  "org",
  "us",
  "usa",
  "x",
  "xx",
  "xxx",
  "xxxx",
  "ref",
  "id",
  "no",
  "pmt",
  "recurring",
]);

const US_STATES = new Set(
  (
    "al ak az ar ca co ct de fl ga hi id il in ia ks ky la me md ma mi mn ms mo mt ne nv nh nj nm ny nc nd oh ok " +
    "or pa ri sc sd tn tx ut vt va wa wv wi wy dc"
  ).split(" "),
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
    text: description.toLowerCase().replace(/[^a-z0-9]+/g, ""),
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
    .map(nameWord)
    .filter((word): word is string => word !== null && !NOISE_WORDS.has(word));
  // A trailing state ("SPRINGFIELD IL") is location, not merchant; keep it when it is most of the text.
  if (words.length >= 3 && US_STATES.has(words[words.length - 1]!)) words.pop();
  return words;
}

/**
 * A word of the merchant's name, or null for a number. Store numbers glued to a name ("STAPLES00123") come
 * off; a name with a digit or two in it ("1PASSWORD", "bakkerij2") stays; a reference ("2K3LM8Q92") goes.
 */
function nameWord(word: string): string | null {
  if (word === "" || !/\d/.test(word)) return word === "" ? null : word;
  const name = word.replace(/\d{3,}/g, "");
  const digits = name.replace(/\D/g, "").length;
  const letters = name.length - digits;
  return letters >= 3 && digits <= 2 ? name : null;
}

function authorizedOn(description: string): NormalizedDescription["authorized"] {
  const found = /\bauthori[sz]ed\s+on\s+(\d{1,2})\/(\d{1,2})\b/i.exec(description);
  return found ? { month: Number(found[1]), day: Number(found[2]) } : null;
}

function numbersIn(description: string): NormalizedDescription["numbers"] {
  const dates = new Set<string>();
  const others = new Set<string>();
  for (const found of description.matchAll(/\d+(?:[/-]\d+)*/g)) {
    const text = found[0]
      .split(/[/-]/)
      .map((part) => part.replace(/^0+(?=\d)/, ""))
      .join("/");
    if (/^\d{1,2}\/\d{1,2}(\/\d{2,4})?$/.test(text)) dates.add(text);
    else others.add(text);
  }
  return { dates, others };
}

/**
 * True when both descriptions carry numbers of the same sort and share none: two deposits
 * "REF 7233…" and "REF 1114…", or "AUTHORIZED ON 03/29" against "03/30". Banks keep these
 * across links; a missing number says nothing.
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

// Banks truncate words ("PROPERT", "COFFE"): a long enough prefix counts as the same word. People and banks
// abbreviate them ("AMZN", "BTTL"): a word of 3+ letters spelled out in order in a longer one, from its first letter.
function sameWord(a: string, b: string): boolean {
  if (a === b) return true;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (short.length < 3) return false;
  if (short.length >= 4 && long.startsWith(short)) return true;
  return short[0] === long[0] && isSubsequence(short, long);
}

function isSubsequence(short: string, long: string): boolean {
  let at = 0;
  for (let i = 0; i < long.length && at < short.length; i++) if (long[i] === short[at]) at++;
  return at === short.length;
}

/**
 * Shared words over the shorter description's words: 1 when one is the other plus a city or suffix.
 * Extra words in front ("MOBILE DEPOSIT" against "DEPOSIT") qualify the merchant, so they count against.
 */
function overlapCoefficient(a: string[], b: string[]): number {
  if (a.length === 0 || b.length === 0) return a.length === b.length ? 1 : 0;
  const [shorter, longer] = a.length <= b.length ? [a, b] : [b, a];
  const { shared, firstUsed } = wordsFound(shorter, longer);
  const leadingExtra = shared === 0 ? 0 : firstUsed;
  return shared / (shorter.length + leadingExtra);
}

/**
 * Of the words a bookkeeper typed, the share found anywhere in the bank's text: "Rent" is all of
 * "MAPLE PROPERTIES RENT", while "Mobile deposit" is half of "DEPOSIT".
 */
function typedCoverage(bank: string[], typed: string[]): number {
  if (bank.length === 0 || typed.length === 0) return bank.length === typed.length ? 1 : 0;
  return wordsFound(typed, bank).shared / typed.length;
}

function wordsFound(words: string[], within: string[]): { shared: number; firstUsed: number } {
  const used = new Array<boolean>(within.length).fill(false);
  let shared = 0;
  let firstUsed = within.length;
  for (const word of words) {
    for (let at = 0; at < within.length; at++) {
      if (used[at] || !sameWord(word, within[at]!)) continue;
      used[at] = true;
      shared++;
      firstUsed = Math.min(firstUsed, at);
      break;
    }
  }
  return { shared, firstUsed };
}

export interface DescriptionComparison {
  /** 0..1, or null when one side has no merchant words to compare (typed without one, or only numbers). */
  similarity: number | null;
  numbersDisagree: boolean;
}

/**
 * Similarity and disagreeing numbers of two descriptions, remembered for the next pair of the same texts.
 * `byHand`: `b` was typed by a bookkeeper, in their own few words ("Rent", "Amzn"), wherever those words stand
 * in the bank's text (`a`); the numbers a person writes (an invoice) are not the bank's references.
 */
export function compareDescriptions(
  a: NormalizedDescription,
  b: NormalizedDescription,
  { byHand = false } = {},
): DescriptionComparison {
  const cache = byHand ? (a.comparedByHand ??= new Map()) : (a.compared ??= new Map());
  let comparison = cache.get(b);
  if (!comparison) {
    comparison = {
      similarity: descriptionSimilarity(a, b, { byHand }),
      numbersDisagree: !byHand && numbersDisagree(a, b),
    };
    cache.set(b, comparison);
    // Keeps a long-running process's memory bounded: forget everything now and then.
    if (++comparisonsRemembered > COMPARISON_LIMIT) {
      cache.clear();
      comparisonsRemembered = 0;
    }
  }
  return comparison;
}

/**
 * 0..1 similarity of two descriptions after normalization; null when one of them has no merchant words, which
 * says nothing either way (two such texts are the same description only when they read the same).
 */
export function descriptionSimilarity(
  a: NormalizedDescription,
  b: NormalizedDescription,
  { byHand = false } = {},
): number | null {
  if (a === b) return a.tokens.length > 0 || a.text !== "" ? 1 : null;
  if (a.tokens.length === 0 || b.tokens.length === 0)
    return a.tokens.length === b.tokens.length && a.text !== "" && a.text === b.text ? 1 : null;
  const dice = diceCoefficient(a.bigrams, b.bigrams);
  // A bookkeeper's words all found in the bank's text (as words, truncations or abbreviations) say as much as
  // the bank's own wording would, whatever the letters they leave out.
  if (byHand) return Math.max(dice, 0.9 * typedCoverage(a.tokens, b.tokens) + 0.1 * dice);
  return Math.max(dice, 0.6 * overlapCoefficient(a.tokens, b.tokens) + 0.4 * dice);
}

/** The first two merchant words, enough to tell one merchant's visits from another's. */
export function merchantKey(description: NormalizedDescription): string {
  return description.merchant;
}
