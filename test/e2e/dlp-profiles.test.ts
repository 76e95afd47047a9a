import Cloudflare from "cloudflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, TEST_ADMIN_TOKEN, type TestGateway } from "../support/test-gateway.ts";

let t: TestGateway;
let client: Cloudflare;

beforeAll(async () => {
  t = await startTestGateway({ CONFIG_CACHE_TTL_MS: "0" });
  client = new Cloudflare({
    apiToken: TEST_ADMIN_TOKEN,
    baseURL: `${t.gateway.url}/client/v4`,
    maxRetries: 0,
  });
});

afterAll(async () => {
  await t.stop();
});

const dlpUrl = (path: string) => `${t.gateway.url}/client/v4/accounts/${t.gateway.accountId}/dlp${path}`;

describe("DLP profiles at /client/v4/accounts/{account}/dlp/profiles", () => {
  it("lists the predefined profiles with their entries, read by the cloudflare SDK", async () => {
    const profiles = [];
    for await (const profile of client.zeroTrust.dlp.profiles.list({ account_id: t.gateway.accountId }))
      profiles.push(profile);
    const financial = profiles.find((profile) => profile.id === "financial-information");
    expect(financial).toMatchObject({
      name: "Financial Information",
      type: "predefined",
      entries: [
        { id: "credit-card", enabled: true, type: "predefined", profile_id: "financial-information" },
        { id: "iban", enabled: true },
      ],
    });
    expect(profiles.map((profile) => profile.id)).toContain("credentials-and-secrets");
  });

  it("gets one profile by id, and answers 404 for an unknown one and 400 for a malformed one", async () => {
    const profile = await client.zeroTrust.dlp.profiles.get("contact-information", {
      account_id: t.gateway.accountId,
    });
    expect(profile).toMatchObject({ id: "contact-information", type: "predefined" });
    const headers = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
    const unknown = await fetch(dlpUrl("/profiles/no-such-profile"), { headers });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ success: false, errors: [{ code: 7002 }] });
    const malformed = await fetch(dlpUrl("/profiles/not%20an%20id"), { headers });
    expect(malformed.status).toBe(400);
  });

  it("needs a token, as every management route does", async () => {
    expect((await fetch(dlpUrl("/profiles"))).status).toBe(401);
  });
});
