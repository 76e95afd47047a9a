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

describe("custom DLP profiles at .../dlp/profiles/custom", () => {
  const account_id = () => t.gateway.accountId;
  const headers = () => ({ authorization: `Bearer ${TEST_ADMIN_TOKEN}`, "content-type": "application/json" });

  it("creates, reads, lists, replaces and deletes a profile with the cloudflare SDK", async () => {
    const created = await client.zeroTrust.dlp.profiles.custom.create({
      account_id: account_id(),
      name: "Project codes",
      entries: [
        { name: "Project ids", enabled: true, pattern: { regex: "PRJ-[0-9]{6}" } },
        { name: "Code words", enabled: true, words: ["bluebird"] },
      ],
    });
    expect(created).toMatchObject({
      name: "Project codes",
      type: "custom",
      entries: [
        { name: "Project ids", enabled: true, type: "custom", pattern: { regex: "PRJ-[0-9]{6}" } },
        { name: "Code words", enabled: true, type: "word_list", words: ["bluebird"] },
      ],
    });
    const id = created.id;
    const listed = [];
    for await (const profile of client.zeroTrust.dlp.profiles.list({ account_id: account_id() }))
      listed.push(profile);
    expect(listed.find((profile) => profile.id === id)).toMatchObject({ type: "custom" });
    expect(await client.zeroTrust.dlp.profiles.get(id, { account_id: account_id() })).toMatchObject({ id });
    expect(await client.zeroTrust.dlp.profiles.custom.get(id, { account_id: account_id() })).toMatchObject({
      id,
    });

    const updated = await client.zeroTrust.dlp.profiles.custom.update(id, {
      account_id: account_id(),
      name: "Project codes v2",
    });
    expect(updated).toMatchObject({ id, name: "Project codes v2", entries: [{}, {}] });

    await client.zeroTrust.dlp.profiles.custom.delete(id, { account_id: account_id() });
    await expect(
      client.zeroTrust.dlp.profiles.custom.get(id, { account_id: account_id() }),
    ).rejects.toMatchObject({
      status: 404,
    });
  });

  it("accepts Cloudflare's older body {profiles: [...]} and answers with the list", async () => {
    const response = await fetch(dlpUrl("/profiles/custom"), {
      method: "POST",
      headers: headers(),
      body: JSON.stringify({
        profiles: [
          { name: "One", entries: [{ name: "a", enabled: true, pattern: { regex: "AAA[0-9]{3}" } }] },
          { name: "Two", entries: [] },
        ],
      }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { result: { name: string; type: string }[] };
    expect(body.result.map((profile) => [profile.name, profile.type])).toEqual([
      ["One", "custom"],
      ["Two", "custom"],
    ]);
  });

  it("refuses a regex the linear-time guard refuses with 400 naming the entry, and stores nothing", async () => {
    const before = (await client.zeroTrust.dlp.profiles.list({ account_id: account_id() })).result.length;
    const response = await fetch(dlpUrl("/profiles/custom"), {
      method: "POST",
      headers: headers(),
      body: JSON.stringify({
        name: "Catastrophic",
        entries: [
          { name: "fine", enabled: true, pattern: { regex: "ok[0-9]+" } },
          { name: "nested", enabled: true, pattern: { regex: "(a+)+b" } },
        ],
      }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { success: boolean; errors: { message: string }[] };
    expect(body.success).toBe(false);
    expect(body.errors[0]?.message).toMatch(/^entries\.1\.pattern\.regex: .*nested repetition/);
    expect((await client.zeroTrust.dlp.profiles.list({ account_id: account_id() })).result.length).toBe(
      before,
    );
  });

  it("refuses Cloudflare fields it does not use, and an entry with neither pattern nor words", async () => {
    const send = (body: unknown) =>
      fetch(dlpUrl("/profiles/custom"), { method: "POST", headers: headers(), body: JSON.stringify(body) });
    const ocr = await send({ name: "x", ocr_enabled: true });
    expect(ocr.status).toBe(400);
    expect(JSON.stringify(await ocr.json())).toContain('Field \\"ocr_enabled\\" is not supported');
    const empty = await send({ name: "x", entries: [{ name: "bare", enabled: true }] });
    expect(empty.status).toBe(400);
    expect(JSON.stringify(await empty.json())).toContain("send either pattern or words");
  });
});

describe("gateways whose DLP names a custom profile", () => {
  const gatewaySettings = {
    cache_invalidate_on_update: false,
    cache_ttl: 0,
    collect_logs: true,
    rate_limiting_interval: 0,
    rate_limiting_limit: 0,
    authentication: false,
  };
  const dlp = (profiles: string[], check = ["REQUEST"]) => ({
    enabled: true,
    policies: [{ id: "custom-policy", action: "BLOCK", check, enabled: true, profiles }],
  });
  const chat = (gatewayId: string, content: string) =>
    fetch(`${t.providerUrl("openai", gatewayId)}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer sk-test-one" },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content }] }),
    });
  const newProfile = (name: string) =>
    client.zeroTrust.dlp.profiles.custom.create({
      account_id: t.gateway.accountId,
      name,
      entries: [
        { name: "Project ids", enabled: true, pattern: { regex: "PRJ-[0-9]{6}" } },
        { name: "Code words", enabled: true, words: ["bluebird"] },
      ],
    });

  it("blocks a request that matches a regex or a word of the profile (400, 2029), and lets others pass", async () => {
    const profile = await newProfile("Blocked codes");
    const created = await t.managementSend("POST", "/gateways", {
      id: "custom-dlp",
      ...gatewaySettings,
      dlp: dlp([profile.id]),
    });
    expect(created.status, JSON.stringify(created.body.errors)).toBe(200);
    for (const content of ["see PRJ-123456 today", "the Bluebird flies"]) {
      const response = await chat("custom-dlp", content);
      expect(response.status, content).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: 2029 } });
    }
    const passing = await chat("custom-dlp", "PRJ-12 and bluebirds are fine");
    expect(passing.status).toBe(200);
    await passing.text();
  });

  it("checks responses with the custom profile too: a whole body (400, 2030) and a stream", async () => {
    const profile = await client.zeroTrust.dlp.profiles.custom.create({
      account_id: t.gateway.accountId,
      name: "Farewells",
      entries: [{ name: "bye", enabled: true, words: ["bye"] }],
    });
    const created = await t.managementSend("POST", "/gateways", {
      id: "custom-dlp-response",
      ...gatewaySettings,
      dlp: dlp([profile.id], ["RESPONSE"]),
    });
    expect(created.status, JSON.stringify(created.body.errors)).toBe(200);
    const ask = (stream: boolean) =>
      fetch(`${t.providerUrl("openai", "custom-dlp-response")}/chat/completions`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: "Bearer sk-test-one",
          "x-mock-fixture": "dlp-secrets",
        },
        body: JSON.stringify({ model: "gpt-4o-mini", stream, messages: [{ role: "user", content: "hi" }] }),
      });
    const whole = await ask(false);
    expect(whole.status).toBe(400);
    expect(await whole.json()).toMatchObject({ error: { code: 2030 } });
    const streamed = await (await ask(true)).text();
    expect(streamed).toContain("My card is");
    expect(streamed).not.toMatch(/Bye/);
    expect(streamed).toContain("2030");
  });

  it("refuses a gateway naming a custom profile id that does not exist (400)", async () => {
    const created = await t.managementSend("POST", "/gateways", {
      id: "custom-dlp-unknown",
      ...gatewaySettings,
      dlp: dlp(["00000000-0000-4000-8000-000000000000"]),
    });
    expect(created.status).toBe(400);
    expect(created.body.errors[0]?.message).toContain(
      'dlp.policies.0.profiles.0: unknown DLP profile "00000000-0000-4000-8000-000000000000"',
    );
  });

  it("refuses to delete a profile an enabled gateway names (409 naming it), and deletes it once none does", async () => {
    const profile = await newProfile("Still used");
    const created = await t.managementSend("POST", "/gateways", {
      id: "custom-dlp-in-use",
      ...gatewaySettings,
      dlp: dlp([profile.id]),
    });
    expect(created.status).toBe(200);
    const profilePath = `${t.gateway.url}/client/v4/accounts/${t.gateway.accountId}/dlp/profiles/custom/${profile.id}`;
    const refused = await fetch(profilePath, {
      method: "DELETE",
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    });
    expect(refused.status).toBe(409);
    expect(JSON.stringify(await refused.json())).toContain("custom-dlp-in-use");
    // Requests still scan with it.
    expect((await chat("custom-dlp-in-use", "hello")).status).toBe(200);
    const removed = await t.managementSend("DELETE", "/gateways/custom-dlp-in-use");
    expect(removed.status).toBe(200);
    await client.zeroTrust.dlp.profiles.custom.delete(profile.id, { account_id: t.gateway.accountId });
  });
});
