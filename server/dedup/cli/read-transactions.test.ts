import { describe, expect, it } from "vitest";
import { readExistingCsv, readIncomingCsv } from "./read-transactions";

describe("reading transaction CSVs", () => {
  it("accepts the columns in any order, plus the optional kind, check_number and pending_provider_id", () => {
    const existing = readExistingCsv(
      "e.csv",
      "provider_id,id,account,date,amount,description,pending,kind,check_number\n,r1,chk,2026-03-01,-1.5,Joe,false,hidden,1043\n",
    );
    expect(existing).toEqual({
      ok: true,
      rows: [
        {
          id: "r1",
          account: "chk",
          date: "2026-03-01",
          amountCents: -150,
          description: "Joe",
          checkNumber: "1043",
          providerIds: [],
          kind: "hidden",
          pending: false,
          fromBank: false,
        },
      ],
    });
    // A row with a provider id came from a bank feed.
    const fromFeed = readExistingCsv(
      "e.csv",
      "id,account,date,amount,description,pending,provider_id\nr2,chk,2026-03-01,-1.5,Joe,false,b7\n",
    );
    expect(fromFeed.ok && fromFeed.rows[0]).toMatchObject({ providerIds: ["b7"], fromBank: true });
    const incoming = readIncomingCsv(
      "i.csv",
      "id,account,date,amount,description,pending,provider_id,pending_provider_id\ni1,chk,2026-03-02,2,X,TRUE,b1,a9\n",
    );
    expect(incoming.ok && incoming.rows[0]).toMatchObject({
      pending: true,
      providerId: "b1",
      pendingProviderId: "a9",
      amountCents: 200,
    });
  });

  it("reports every bad row, each with its line, and a repeated id", () => {
    const read = readIncomingCsv(
      "i.csv",
      "id,account,date,amount,description,pending,provider_id\n,chk,2026-03-02,1,X,false,\ni1,chk,2026-03-02,1,X,false,\ni1,chk,2026-03-02,1,X,false,\n",
    );
    expect(read).toEqual({
      ok: false,
      problems: [
        { file: "i.csv", line: 2, message: "id is empty" },
        { file: "i.csv", line: 4, message: 'id "i1" already used on line 3' },
      ],
    });
  });

  it("says so when a file is empty", () => {
    expect(readExistingCsv("e.csv", "")).toMatchObject({
      ok: false,
      problems: [{ line: 1, message: expect.stringMatching(/the file is empty/) }],
    });
  });
});
