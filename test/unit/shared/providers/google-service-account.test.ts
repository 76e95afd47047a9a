import { createVerify, generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GatewayError } from "../../../../shared/core/gateway-error.ts";
import {
  buildAssertion,
  CLOUD_PLATFORM_SCOPE,
  GOOGLE_TOKEN_URL,
  GoogleTokenMinter,
  parseServiceAccount,
  type ServiceAccount,
  serviceAccountFromBearer,
  serviceAccountProblems,
} from "../../../../shared/providers/google-service-account.ts";
import { type MockUpstream, startMockUpstream } from "../../../mock-upstream/server.ts";

let mock: MockUpstream;
let account: ServiceAccount;

beforeAll(async () => {
  mock = await startMockUpstream();
  account = parseServiceAccount(mock.google.serviceAccountJson("europe-west4")) as ServiceAccount;
});
afterAll(() => mock.close());

const tokenRequests = () => mock.requests.filter((request) => request.path === "/token");

function minter(now = () => Date.now()): GoogleTokenMinter {
  return new GoogleTokenMinter({ tokenUrl: `${mock.url}/token`, fetch: globalThis.fetch, now });
}

describe("service account JSON", () => {
  it("reads project, e-mail, key and region (default us-central1)", () => {
    expect(account.projectId).toBe("mock-project-123");
    expect(account.region).toBe("europe-west4");
    const withoutRegion = JSON.parse(mock.google.serviceAccountJson()) as Record<string, unknown>;
    delete withoutRegion.region;
    expect(parseServiceAccount(JSON.stringify(withoutRegion))?.region).toBe("us-central1");
  });

  it("names each missing or wrong field, never its value", () => {
    const problems = serviceAccountProblems(
      JSON.stringify({ type: "authorized_user", project_id: "p", private_key: "secret-value" }),
    );
    expect(problems.join("\n")).toMatch(/type: must be "service_account"/);
    expect(problems.join("\n")).toMatch(/project_id:/);
    expect(problems.join("\n")).toMatch(/client_email:/);
    expect(problems.join("\n")).toMatch(/private_key: must be a PEM private key/);
    expect(problems.join("\n")).not.toContain("secret-value");
    expect(serviceAccountProblems("not json")).toEqual([
      "must be a service account JSON key file (the text is not JSON)",
    ]);
    expect(serviceAccountProblems(mock.google.serviceAccountJson())).toEqual([]);
  });

  it("refuses a PEM that is not a key", () => {
    const broken = JSON.parse(mock.google.serviceAccountJson()) as Record<string, string>;
    broken.private_key = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
    expect(serviceAccountProblems(JSON.stringify(broken))).toEqual([
      "private_key: is not a readable PEM private key",
    ]);
  });

  it("reads a base64 service account from a Bearer token, and leaves gcloud tokens alone", () => {
    const base64 = Buffer.from(mock.google.serviceAccountJson()).toString("base64");
    expect(serviceAccountFromBearer(base64)?.clientEmail).toBe(account.clientEmail);
    expect(serviceAccountFromBearer("ya29.a0AfH6SMBx-gcloud-token")).toBeUndefined();
    expect(serviceAccountFromBearer(Buffer.from('{"a":1}').toString("base64"))).toBeUndefined();
  });

  it("refuses a base64 service account that lacks fields, naming them", () => {
    const partial = Buffer.from(JSON.stringify({ type: "service_account", project_id: "mock-project-123" }));
    expect(() => serviceAccountFromBearer(partial.toString("base64"))).toThrow(
      /not usable: client_email: .*; private_key: /,
    );
  });
});

describe("buildAssertion", () => {
  it("is an RS256 JWT for the cloud-platform scope, signed by the account's key", () => {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const own: ServiceAccount = {
      ...account,
      privateKey: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      privateKeyId: "kid-1",
    };
    const jwt = buildAssertion(own, 1_700_000_000);
    const [header = "", claims = "", signature = ""] = jwt.split(".");
    expect(JSON.parse(Buffer.from(header, "base64url").toString())).toEqual({
      alg: "RS256",
      typ: "JWT",
      kid: "kid-1",
    });
    expect(JSON.parse(Buffer.from(claims, "base64url").toString())).toEqual({
      iss: account.clientEmail,
      scope: CLOUD_PLATFORM_SCOPE,
      aud: GOOGLE_TOKEN_URL,
      iat: 1_700_000_000,
      exp: 1_700_003_600,
    });
    const valid = createVerify("RSA-SHA256")
      .update(`${header}.${claims}`)
      .verify(publicKey, Buffer.from(signature, "base64url"));
    expect(valid).toBe(true);
  });
});

describe("GoogleTokenMinter", () => {
  it("mints once for concurrent requests and reuses the token until shortly before expiry", async () => {
    let now = Date.now();
    const tokens = minter(() => now);
    const before = tokenRequests().length;
    const [first, second] = await Promise.all([tokens.accessToken(account), tokens.accessToken(account)]);
    expect(first).toBe(second);
    expect(mock.google.issuedTokens).toContain(first);
    expect(tokenRequests().length).toBe(before + 1);
    const form = new URLSearchParams(tokenRequests().at(-1)?.body);
    expect(form.get("grant_type")).toBe("urn:ietf:params:oauth:grant-type:jwt-bearer");

    now += 50 * 60_000; // the mock's token lives 3599 s; renewed 5 minutes early
    expect(await tokens.accessToken(account)).toBe(first);
    expect(tokenRequests().length).toBe(before + 1);
    now += 6 * 60_000;
    const renewed = await tokens.accessToken(account);
    expect(renewed).not.toBe(first);
    expect(tokenRequests().length).toBe(before + 2);
  });

  it("reports Google's refusal as a 401 without the key, and does not keep it", async () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const stranger: ServiceAccount = {
      ...account,
      privateKey: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    };
    const tokens = minter();
    const error = await tokens.accessToken(stranger).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).status).toBe(401);
    expect((error as GatewayError).message).toContain("invalid_grant Invalid JWT Signature.");
    expect((error as GatewayError).message).not.toContain("PRIVATE KEY");
    const before = tokenRequests().length;
    await tokens.accessToken(stranger).catch(() => undefined);
    expect(tokenRequests().length).toBe(before + 1);
  });
});
