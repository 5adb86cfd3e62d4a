import { describe, expect, it } from "vitest";
import {
  compareDescriptions,
  descriptionSimilarity,
  merchantTokens,
  normalizeDescription,
  numbersDisagree,
} from "./description";

const similarity = (a: string, b: string) => descriptionSimilarity(normalizeDescription(a), normalizeDescription(b));

describe("description normalization", () => {
  it.each([
    ["SQ *BLUE BOTTLE COFFEE SAN FRANCISCO CA", ["blue", "bottle", "coffee", "san", "francisco"]],
    ["TST* PANERA BREAD #601", ["panera", "bread"]],
    ["POS PURCHASE STAPLES 00123 SPRINGFIELD IL", ["staples", "springfield"]],
    ["PURCHASE AUTHORIZED ON 03/14 AMAZON.COM*MKTP US", ["amazon", "mktp"]],
    ["Debit Card Purchase - Shell Oil 57444", ["shell", "oil"]],
  ])("%s → %j", (description, tokens) => {
    expect(merchantTokens(description)).toEqual(tokens);
  });

  it("scores rewrites of one merchant high and other merchants low", () => {
    expect(similarity("STARBUCKS STORE #10293", "Starbucks Store 10293")).toBe(1);
    expect(similarity("MAPLE PROPERTIES RENT", "MAPLE PROPERT RENT")).toBeGreaterThan(0.9);
    expect(similarity("ZOOM.US", "ZOOM.US 888-799-9666 CA")).toBeGreaterThan(0.7);
    expect(similarity("STAPLES #00123", "SHELL OIL 57444")).toBeLessThan(0.2);
    expect(similarity("DEPOSIT", "MOBILE DEPOSIT")).toBeLessThan(similarity("DEPOSIT", "DEPOSIT REF 1234")!);
  });

  it("notices reference numbers and dates that disagree", () => {
    const disagree = (a: string, b: string) => numbersDisagree(normalizeDescription(a), normalizeDescription(b));
    expect(disagree("DEPOSIT REF 72330820", "DEPOSIT REF 11140663")).toBe(true);
    expect(disagree("PURCHASE AUTHORIZED ON 03/29 STARBUCKS", "PURCHASE AUTHORIZED ON 03/30 STARBUCKS")).toBe(true);
    expect(disagree("STAPLES 00123", "STAPLES #123")).toBe(false);
    expect(disagree("DEPOSIT REF 72330820", "DEPOSIT")).toBe(false);
    expect(disagree("PURCHASE AUTHORIZED ON 02/23 USPS PO", "USPS PO 2255800123")).toBe(false);
  });
});

describe("what a description says besides the merchant", () => {
  it("reads the purchase day of a card row", () => {
    expect(normalizeDescription("PURCHASE AUTHORIZED ON 03/11 SQ *BLUE BOTTLE COFFEE").authorized).toEqual({
      month: 3,
      day: 11,
    });
    expect(normalizeDescription("Recurring Payment authorized on 12/01 Zoom.us").authorized).toEqual({
      month: 12,
      day: 1,
    });
    expect(normalizeDescription("SQ *BLUE BOTTLE COFFEE 03/11").authorized).toBeNull();
  });

  it("names the merchant by its first words, and its brand by the first one", () => {
    const zoom = normalizeDescription("ZOOM.US");
    const zoomWithCity = normalizeDescription("ZOOM.US SPRINGFIELD IL");
    expect(zoom.merchant).not.toBe(zoomWithCity.merchant);
    expect(zoom.brand).toBe("zoom");
    expect(zoomWithCity.brand).toBe("zoom");
    expect(normalizeDescription("POS DEBIT SQ *BLUE BOTTLE COFFEE").merchant).toBe("blue bottle");
  });
});

describe("merchant names with digits", () => {
  it.each([
    ["1PASSWORD", ["1password"]],
    ["7-ELEVEN 12345", ["eleven"]],
    ["7-Eleven", ["eleven"]],
    ["Bakkerij2 Amsterdam", ["bakkerij2", "amsterdam"]],
    ["AMZN MKTP US*2K3LM8Q92", ["amzn", "mktp"]],
    ["STAPLES00123", ["staples"]],
  ])("%s keeps its name: %j", (description, tokens) => {
    expect(merchantTokens(description)).toEqual(tokens);
  });

  it("two descriptions with no merchant words left are not the same description", () => {
    expect(similarity("123456", "987654")).toBeNull();
    expect(similarity("123456", "123456")).toBe(1);
    expect(similarity("", "OFFICE DEPOT")).toBeNull();
    expect(similarity("1PASSWORD", "BAKKERIJ2")).toBeLessThan(0.3);
  });
});

describe("descriptions typed by hand", () => {
  const byHand = (bank: string, typed: string) =>
    compareDescriptions(normalizeDescription(bank), normalizeDescription(typed), { byHand: true }).similarity!;

  it("reads abbreviations as the words they shorten", () => {
    expect(similarity("AMZN MKTP", "Amazon Marketplace")).toBeGreaterThan(0.6);
    expect(byHand("AMAZON MKTPLACE PMTS", "Amzn")).toBeGreaterThan(0.6);
    expect(byHand("SQ *BLUE BOTTLE COFFEE", "Blue Bttl")).toBeGreaterThan(0.6);
  });

  it("takes one word found anywhere in the bank's text as agreement", () => {
    expect(byHand("MAPLE PROPERTIES RENT", "Rent")).toBeGreaterThan(0.6);
    expect(similarity("MAPLE PROPERTIES RENT", "Rent")).toBeLessThan(0.6);
    expect(byHand("MAPLE PROPERTIES RENT", "Payroll")).toBeLessThan(0.3);
  });
});
