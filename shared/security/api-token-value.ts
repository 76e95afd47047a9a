import { createHash, randomBytes } from "node:crypto";

/** Every API token starts with this, so a leaked one is recognisable (secret scanners, logs). */
export const API_TOKEN_PREFIX = "aig_";

/** 32 random bytes: 43 base64url characters, 256 bits, far beyond guessing. */
const TOKEN_RANDOM_BYTES = 32;

/** Anything longer is not one of our tokens; refusing it early spares a DynamoDB read. */
export const MAX_API_TOKEN_LENGTH = 128;

export function generateApiTokenValue(): string {
  return API_TOKEN_PREFIX + randomBytes(TOKEN_RANDOM_BYTES).toString("base64url");
}

/**
 * The only form of a token value that is stored: its SHA-256. A plain hash suffices (no salt, no slow
 * KDF) because the value is 256 random bits, not a password that could be guessed from a dictionary.
 */
export function hashApiTokenValue(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex");
}

/** Whether a presented value could be one of our tokens at all. */
export function looksLikeApiToken(value: string): boolean {
  return value.startsWith(API_TOKEN_PREFIX) && value.length <= MAX_API_TOKEN_LENGTH;
}

/** What a listing shows of a token: the prefix and a few characters, enough to tell tokens apart. */
export function apiTokenPreview(value: string): string {
  return `${value.slice(0, API_TOKEN_PREFIX.length + 4)}...${value.slice(-4)}`;
}
