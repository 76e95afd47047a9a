import { createHash, timingSafeEqual } from "node:crypto";

/** The token of an `Authorization`-style header value `Bearer <token>`, or null. */
export function bearerToken(headerValue: string | null): string | null {
  if (!headerValue) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(headerValue);
  return match?.[1] ?? null;
}

/** Compares in constant time: both sides are hashed first, so neither length nor content leaks by timing. */
export function tokensEqual(presented: string, expected: string): boolean {
  const a = createHash("sha256").update(presented).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}
