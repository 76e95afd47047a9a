/**
 * Checks an AWS Signature Version 4 the way Bedrock does: recomputes it with @smithy/signature-v4 from the
 * request as received (method, host, path, query, the signed headers, the body's hash) and the secret of
 * the access key named in the credential scope, and refuses a mismatch, a stale date or a wrong service
 * with AWS's own 403 bodies (`x-amzn-errortype` + `{"message"}`).
 *
 * The secrets the mock knows: the process's own AWS credentials (the "role" the local runtime signs with in
 * tests) and {@link MOCK_AWS_ACCESS_KEYS}. A request signed with a key the mock does not know (a client
 * that signed a provider-native passthrough call itself, with a made-up key) is let through unverified: the
 * mock cannot know its secret.
 */
import { createHash } from "node:crypto";
import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import { MOCK_AWS_ACCESS_KEYS } from "./constants.ts";

export interface SignedRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: string;
}

export type SignatureVerdict =
  | { outcome: "valid" | "unknown-key" }
  | { outcome: "refused"; errorType: string; message: string };

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/;

/** AWS refuses a signature dated more than five minutes away from its clock. */
const MAX_SKEW_MS = 5 * 60 * 1000;

const MISMATCH =
  "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

function refused(errorType: string, message: string): SignatureVerdict {
  return { outcome: "refused", errorType, message };
}

function secretFor(accessKeyId: string): string | undefined {
  if (process.env.AWS_ACCESS_KEY_ID === accessKeyId) return process.env.AWS_SECRET_ACCESS_KEY;
  return MOCK_AWS_ACCESS_KEYS.find((key) => key.accessKeyId === accessKeyId)?.secretAccessKey;
}

/** `20261125T180000Z` -> a Date, or undefined when it is not that shape. */
function parseAmzDate(value: string | undefined): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value ?? "");
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second] = match.map(Number);
  return new Date(Date.UTC(year ?? 0, (month ?? 1) - 1, day, hour, minute, second));
}

export async function verifySigV4(request: SignedRequest, service: string): Promise<SignatureVerdict> {
  const authorization = request.headers.authorization ?? "";
  const keyId = /Credential=([^/,\s]+)\//.exec(authorization)?.[1];
  const secretAccessKey = keyId === undefined ? undefined : secretFor(keyId);
  if (keyId !== undefined && secretAccessKey === undefined) return { outcome: "unknown-key" };
  const match = AUTHORIZATION.exec(authorization);
  if (!match || secretAccessKey === undefined) {
    return refused(
      "IncompleteSignatureException",
      "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.",
    );
  }
  const [, accessKeyId = "", scopeDate, region = "", scopeService, signedHeaderList = "", signature] = match;

  if (scopeService !== service) {
    return refused(
      "InvalidSignatureException",
      `Credential should be scoped to correct service: '${service}'. `,
    );
  }
  const amzDate = request.headers["x-amz-date"];
  const signingDate = parseAmzDate(amzDate);
  if (signingDate === undefined || amzDate?.slice(0, 8) !== scopeDate) {
    return refused(
      "IncompleteSignatureException",
      "Date must be in ISO-8601 'basic format' and match the scope.",
    );
  }
  if (Math.abs(Date.now() - signingDate.getTime()) > MAX_SKEW_MS) {
    return refused(
      "InvalidSignatureException",
      `Signature expired: ${amzDate} is now earlier than allowed (5 min.)`,
    );
  }
  const bodyHash = createHash("sha256").update(request.body).digest("hex");
  const claimedHash = request.headers["x-amz-content-sha256"];
  if (claimedHash !== undefined && claimedHash !== bodyHash) {
    return refused("InvalidSignatureException", MISMATCH);
  }

  const signedHeaders: Record<string, string> = {};
  for (const name of signedHeaderList.split(";")) {
    const value = request.headers[name];
    if (value === undefined) return refused("InvalidSignatureException", MISMATCH);
    signedHeaders[name] = value;
  }
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of request.url.searchParams) {
    const existing = query[name];
    query[name] =
      existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  const sessionToken = request.headers["x-amz-security-token"];
  const signer = new SignatureV4({
    service,
    region,
    credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
    sha256: Sha256,
    applyChecksum: signedHeaders["x-amz-content-sha256"] !== undefined,
  });
  const recomputed = await signer.sign(
    {
      method: request.method,
      protocol: "http:",
      hostname: request.url.hostname,
      path: request.url.pathname,
      query,
      headers: signedHeaders,
      body: request.body,
    },
    { signingDate },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(recomputed.headers.authorization))?.[1];
  return expected === signature ? { outcome: "valid" } : refused("InvalidSignatureException", MISMATCH);
}
