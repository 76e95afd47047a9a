import { createHash } from "node:crypto";
import { PROVIDER_CREDENTIAL_HEADERS } from "../http/credential-headers.ts";

/**
 * Who the upstream request speaks for: a SHA-256 over the provider credential it carries once stored
 * keys have been applied (header values, and Gemini's `?key=`). A cached answer is found again only by a
 * request that presents the same credential, so one customer's answer is never served to another.
 * A SigV4 signature changes with every request (it signs the time), so for Bedrock the identity is the
 * access key id named in `Credential=` plus the session token, not the signature.
 */
export function credentialIdentity(headers: Headers, url: string): string {
  const hash = createHash("sha256");
  for (const name of PROVIDER_CREDENTIAL_HEADERS) {
    const value = headers.get(name);
    if (value === null) continue;
    const stable = name === "authorization" ? (sigV4Identity(value, headers) ?? value) : value;
    hash.update(`${name}\u0000${stable}\u0000`);
  }
  const queryKey = new URL(url).searchParams.get("key");
  if (queryKey !== null) hash.update(`?key\u0000${queryKey}\u0000`);
  return hash.digest("hex");
}

function sigV4Identity(authorization: string, headers: Headers): string | null {
  if (!authorization.startsWith("AWS4-HMAC-SHA256")) return null;
  const accessKeyId = /Credential=([^/,\s]+)\//.exec(authorization)?.[1] ?? "";
  return `sigv4:${accessKeyId}:${headers.get("x-amz-security-token") ?? ""}`;
}
