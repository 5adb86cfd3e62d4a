import { describe, expect, it } from "vitest";
import { decodeLoginId, encodeLoginId } from "./login-id";
import {
  dayEnd,
  dayStart,
  mcAccounts,
  mcError,
  mcInstitutionPage,
  mcTransactionPage,
  toAccount,
  toTransaction,
  variantOf,
  worstCode,
} from "./wire";

// How the provider's answers are read where its own document is inconsistent. The samples
// are what a mock of the provider's official document serves (one item per array, ids as
// integers or strings depending on the resource, `checkNum` as a number, `moreAvailable` as a
// string), so the client reads the real provider's shapes, not only Bankline's description.

describe("Mastercard answers", () => {
  it("reads transaction pages whose moreAvailable is a string, ids integers and checkNum a number", () => {
    const page = mcTransactionPage.parse({
      found: 200,
      displaying: 1,
      moreAvailable: "true",
      fromDate: "1607450357",
      toDate: "1607450357",
      sort: "desc",
      transactions: [
        {
          id: 21284820852,
          amount: -828.9,
          accountId: 5011648377,
          customerId: 1005061234,
          status: "active",
          description: "Buy Stock",
          memo: "UWM HOLDINGS CORPORATION - CLASS A COMMON STOCK",
          transactionDate: 1607450357,
          postedDate: 1607450357,
          createdDate: 1607450357,
          checkNum: 299,
          unitQuantity: 150.42,
          categorization: {
            normalizedPayeeName: "Mad Science Research",
            category: "Streaming Service",
            country: "CAN",
          },
        },
      ],
    });
    expect(page.moreAvailable).toBe(true);
    expect(mcTransactionPage.parse({ moreAvailable: false, transactions: [] }).moreAvailable).toBe(false);
    expect(mcTransactionPage.parse({ moreAvailable: "false", transactions: [] }).moreAvailable).toBe(false);
    expect(toTransaction(page.transactions[0]!, "5011648377")).toEqual({
      id: "21284820852",
      accountId: "5011648377",
      amountCents: -82_890,
      postedDate: "2020-12-08",
      transactionDate: "2020-12-08",
      description: "Buy Stock",
      checkNumber: "299",
      pending: false,
      pendingTransactionId: null,
      category: "Streaming Service",
    });
  });

  it("keeps amounts exact in cents and dates in UTC", () => {
    const [t] = mcTransactionPage.parse({
      moreAvailable: "false",
      transactions: [
        {
          id: "1",
          amount: 0.29 + 0.01 - 1234.3,
          status: "shadow",
          description: " ",
          memo: "ATM",
          postedDate: 1796083199,
          createdDate: 1796083199,
        },
      ],
    }).transactions;
    expect(toTransaction(t!, "a")).toMatchObject({
      amountCents: -123_400,
      postedDate: "2026-11-30",
      transactionDate: "2026-11-30",
      description: "ATM",
      pending: true,
    });
    expect([dayStart("2026-11-30"), dayEnd("2026-11-30")]).toEqual([1796083199 - 86_399, 1796083199]);
  });

  it("reads accounts whose institution login is an integer and whose status code may be missing", () => {
    const { accounts } = mcAccounts.parse({
      accounts: [
        {
          id: "5011648377",
          number: "201940541",
          accountNumberDisplay: "7528",
          name: "Super Checking",
          type: "checking",
          status: "active",
          customerId: "1005061234",
          institutionId: "4222",
          createdDate: 1607450357,
          currency: "USD",
          institutionLoginId: 1007302745,
        },
      ],
    });
    expect(accounts[0]).not.toHaveProperty("number");
    expect(toAccount(accounts[0]!)).toMatchObject({
      loginId: "1005061234:1007302745",
      statusCode: 0,
      mask: "7528",
      balanceCents: null,
      lastSuccessAt: null,
    });
  });

  it("reads the catalog's integer ids", () => {
    expect(
      mcInstitutionPage.parse({
        found: 200,
        displaying: 1,
        moreAvailable: true,
        institutions: [{ id: 4222, name: "FinBank" }],
      }).institutions[0]!.id,
    ).toBe("4222");
  });

  it("reads error codes given as strings or numbers, and the other error shape", () => {
    expect(mcError.parse({ code: "10023", message: "Expired (Finicity-App-Token)" })).toEqual({
      code: 10023,
      message: "Expired (Finicity-App-Token)",
    });
    expect(mcError.parse({ code: 103, message: "bad credentials" })).toEqual({ code: 103, message: "bad credentials" });
    expect(mcError.parse({ Errors: { Error: [{ ReasonCode: "10001", Description: "Resource Not Found." }] } })).toEqual(
      { code: 10001, message: "Resource Not Found." },
    );
  });

  it("ranks a login's status codes: the customer's problem first, then the unknown, then what clears by itself", () => {
    expect(worstCode([0, 0])).toBe(0);
    expect(worstCode([0, 102, 103, 910])).toBe(103);
    expect(worstCode([910, 999])).toBe(999);
    expect(worstCode([102, 910])).toBe(102);
  });

  it("calls a bank business when its name says so, personal otherwise", () => {
    expect(
      [
        "Chase (Business)",
        "First Commercial Bank",
        "Wells Fargo Corporate",
        "FinBank",
        "Business-like Credit Union",
      ].map(variantOf),
    ).toEqual(["BUSINESS", "BUSINESS", "BUSINESS", "PERSONAL", "BUSINESS"]);
  });

  it("encodes a login as customer and institution login, and refuses other providers' ids", () => {
    expect(encodeLoginId("1005061234", 1007302745)).toBe("1005061234:1007302745");
    expect(decodeLoginId("1005061234:1007302745")).toEqual({
      customerId: "1005061234",
      institutionLoginId: "1007302745",
    });
    for (const id of ["login_abc", "1:2:3", ":1", "1:", "1/2:3"]) expect(decodeLoginId(id)).toBeNull();
  });
});
