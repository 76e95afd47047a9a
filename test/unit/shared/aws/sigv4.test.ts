import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import type { AwsCredentialIdentity } from "@smithy/types";
import { describe, expect, it } from "vitest";
import { SigV4Signer } from "../../../../shared/aws/sigv4.ts";

const keys: AwsCredentialIdentity = {
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
};
const withSession: AwsCredentialIdentity = {
  accessKeyId: "ASIAEXAMPLE",
  secretAccessKey: "session/secret+key",
  sessionToken: "IQoJb3JpZ2luX2VjEXAMPLE//////////token==",
};
const signingDate = new Date("2026-11-25T20:15:42.123Z");

/** What @smithy/signature-v4 (the SDK's signer) writes for the same request, credentials and time. */
async function smithyHeaders(
  credentials: AwsCredentialIdentity,
  headers: Record<string, string>,
  body: string,
  date: Date,
  region = "eu-west-1",
): Promise<Record<string, string>> {
  const signer = new SignatureV4({ service: "sqs", region, credentials, sha256: Sha256 });
  const [hostname, port] = (headers.host ?? "").split(":");
  const signed = await signer.sign(
    {
      method: "POST",
      protocol: "https:",
      hostname: hostname ?? "",
      port: port ? Number(port) : undefined,
      path: "/",
      query: {},
      headers: { ...headers },
      body,
    },
    { signingDate: date },
  );
  return signed.headers;
}

function leanHeaders(
  credentials: AwsCredentialIdentity,
  headers: Record<string, string>,
  body: string,
  date: Date,
  signer = new SigV4Signer("eu-west-1", "sqs"),
): Record<string, string> {
  const copy = { ...headers };
  signer.sign({ method: "POST", path: "/", headers: copy, body }, credentials, date);
  return copy;
}

const request = {
  host: "sqs.eu-west-1.amazonaws.com",
  "content-type": "application/x-amz-json-1.0",
  "x-amz-target": "AmazonSQS.SendMessageBatch",
};
const body = JSON.stringify({
  QueueUrl: "https://sqs.eu-west-1.amazonaws.com/123456789012/logs",
  Entries: [{ Id: "0", MessageBody: '{"text":"héllo  wörld ✓"}' }],
});

describe("SigV4Signer", () => {
  it("writes the Authorization header @smithy/signature-v4 writes, for long-term keys", async () => {
    const lean = leanHeaders(keys, request, body, signingDate);
    const smithy = await smithyHeaders(keys, request, body, signingDate);
    expect(lean.authorization).toBe(smithy.authorization);
    expect(lean.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20261125\/eu-west-1\/sqs\/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target, Signature=[0-9a-f]{64}$/,
    );
    expect(lean["x-amz-date"]).toBe("20261125T201542Z");
    expect(lean["x-amz-date"]).toBe(smithy["x-amz-date"]);
    expect(lean["x-amz-content-sha256"]).toBe(smithy["x-amz-content-sha256"]);
    expect(lean).not.toHaveProperty("x-amz-security-token");
  });

  it("signs the session token of temporary credentials (the Lambda role's) as @smithy/signature-v4 does", async () => {
    const lean = leanHeaders(withSession, request, body, signingDate);
    const smithy = await smithyHeaders(withSession, request, body, signingDate);
    expect(lean["x-amz-security-token"]).toBe(withSession.sessionToken);
    expect(lean.authorization).toContain("x-amz-security-token;x-amz-target");
    expect(lean.authorization).toBe(smithy.authorization);
  });

  it("signs a host with a port (a local emulator) and an empty body as @smithy/signature-v4 does", async () => {
    const local = { ...request, host: "127.0.0.1:4566" };
    expect(leanHeaders(keys, local, "", signingDate).authorization).toBe(
      (await smithyHeaders(keys, local, "", signingDate)).authorization,
    );
  });

  it("keeps the signing key per day and secret: a new day or new credentials sign correctly with the same signer", async () => {
    const signer = new SigV4Signer("eu-west-1", "sqs");
    const nextDay = new Date("2026-11-26T00:00:01Z");
    for (const [credentials, date] of [
      [keys, signingDate],
      [keys, nextDay],
      [withSession, nextDay],
      [keys, nextDay],
    ] as const) {
      expect(leanHeaders(credentials, request, body, date, signer).authorization).toBe(
        (await smithyHeaders(credentials, request, body, date)).authorization,
      );
    }
  });

  it("changes the signature when the body changes", () => {
    expect(leanHeaders(keys, request, body, signingDate).authorization).not.toBe(
      leanHeaders(keys, request, `${body} `, signingDate).authorization,
    );
  });
});
