import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../support/test-gateway.ts";

/**
 * IPv6 forms that carry an IPv4 address, or that IANA reserves (docs/security.md, "Upstream guard"), each
 * with the fixed-host provider whose UPSTREAM_<SLUG>_URL points there in this file's gateway. The embedded
 * IPv4 address is the instance metadata service (169.254.169.254, a9fe:a9fe) wherever a form carries one.
 */
const FORMS = [
  { form: "NAT64 (64:ff9b::/96)", host: "[64:ff9b::169.254.169.254]", provider: "openai" },
  { form: "local-use NAT64 (64:ff9b:1::/48)", host: "[64:ff9b:1::a9fe:a9fe]", provider: "anthropic" },
  { form: "6to4 (2002::/16)", host: "[2002:a9fe:a9fe::1]", provider: "google-ai-studio" },
  // Teredo: the server's IPv4 is bits 32-63; the client's is the last 32 bits inverted (8.8.8.8 here).
  { form: "Teredo (2001::/32), server address", host: "[2001:0:a9fe:a9fe::f7f7:f7f7]", provider: "groq" },
  // The client 169.254.169.254, inverted: 5601:5601; the server is the public 8.8.8.8.
  { form: "Teredo (2001::/32), client address", host: "[2001:0:808:808::5601:5601]", provider: "mistral" },
  { form: "IPv4-compatible (::a.b.c.d)", host: "[::169.254.169.254]", provider: "cohere" },
  { form: "IPv4-mapped (::ffff:a.b.c.d)", host: "[::ffff:169.254.169.254]", provider: "deepseek" },
  { form: "IPv4-translated (::ffff:0:a.b.c.d)", host: "[::ffff:0:169.254.169.254]", provider: "grok" },
  { form: "discard-only (100::/64)", host: "[100::1]", provider: "perplexity-ai" },
  { form: "documentation (2001:db8::/32)", host: "[2001:db8::1]", provider: "openrouter" },
  { form: "ORCHID (2001:10::/28)", host: "[2001:10::1]", provider: "huggingface" },
  { form: "ORCHIDv2 (2001:20::/28)", host: "[2001:20::1]", provider: "replicate" },
  { form: "site-local (fec0::/10)", host: "[fec0::1]", provider: "cerebras" },
] as const;

/** Forms refused before this change too, kept in the custom provider table so it covers the whole list. */
const ALREADY_REFUSED = [
  { form: "unspecified (::)", host: "[::]" },
  { form: "loopback (::1)", host: "[::1]" },
  { form: "unique local (fc00::/7), the IPv6 metadata address", host: "[fd00:ec2::254]" },
  { form: "link-local (fe80::/10)", host: "[fe80::1]" },
  { form: "multicast (ff00::/8)", host: "[ff02::1]" },
] as const;

let t: TestGateway;

beforeAll(async () => {
  t = await startTestGateway({
    ...Object.fromEntries(
      FORMS.map(({ host, provider }) => [
        `UPSTREAM_${provider.toUpperCase().replaceAll("-", "_")}_URL`,
        `http://${host}:8080`,
      ]),
    ),
    // Were a form let through, the call would fail fast rather than wait for a connection that cannot happen.
    UPSTREAM_TIMEOUT_MS: "2000",
    // The local runtime also trusts localhost and ::1 by default; only the mock's address is trusted here.
    TRUSTED_UPSTREAM_HOSTS: "127.0.0.1",
    CONFIG_CACHE_TTL_MS: "0",
  });
  for (const [index, { host }] of [...FORMS, ...ALREADY_REFUSED].entries()) {
    const created = await t.managementSend("POST", "/custom-providers", {
      name: `SSRF form ${index}`,
      slug: `ssrf-${index}`,
      base_url: `https://${host}/v1`,
      enable: true,
    });
    expect(created.status, `custom provider at ${host}`).toBe(200);
  }
});

afterAll(async () => {
  await t.stop();
});

async function expectRefused(url: string) {
  const before = t.mock.requests.length;
  const response = await fetch(url, {
    method: "POST",
    headers: { ...t.gatewayAuth, authorization: "Bearer sk-test", "content-type": "application/json" },
    body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "Hi" }] }),
  });
  const body = (await response.json()) as { internalCode: number; message: string };
  expect({ status: response.status, code: body.internalCode }).toEqual({ status: 403, code: 7011 });
  expect(body.message).toContain("TRUSTED_UPSTREAM_HOSTS");
  expect(t.mock.requests.length).toBe(before);
}

describe("the SSRF guard on IPv6 forms", () => {
  it.each(FORMS)("refuses an UPSTREAM_<SLUG>_URL override at $form, $host", async ({ provider }) => {
    await expectRefused(`${t.providerUrl(provider)}/v1/chat/completions`);
  });

  it.each([...FORMS, ...ALREADY_REFUSED].map((entry, index) => ({ ...entry, slug: `custom-ssrf-${index}` })))(
    "refuses a custom provider whose base_url is at $form, $host",
    async ({ slug }) => {
      await expectRefused(`${t.providerUrl(slug)}/chat/completions`);
    },
  );
});
