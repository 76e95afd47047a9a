import { hash, timingSafeEqual } from "node:crypto";

/** The token of an `Authorization`-style header value `Bearer <token>`, or null. */
export function bearerToken(headerValue: string | null): string | null {
  if (!headerValue) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(headerValue);
  return match?.[1] ?? null;
}

/**
 * The digest of the last expected token: it is the same on every request (the admin token), so one
 * SHA-256 per check is enough.
 */
let expectedDigest: { token: string; digest: Buffer } | null = null;

/** Compares in constant time: both sides are hashed first, so neither length nor content leaks by timing. */
export function tokensEqual(presented: string, expected: string): boolean {
  if (expectedDigest?.token !== expected) {
    expectedDigest = { token: expected, digest: hash("sha256", expected, "buffer") };
  }
  return timingSafeEqual(hash("sha256", presented, "buffer"), expectedDigest.digest);
}
