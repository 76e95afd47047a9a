import { createPrivateKey, createSign } from "node:crypto";
import { z } from "zod";
import { ERROR_CODES, GatewayError } from "../core/gateway-error.ts";

/**
 * Google service accounts for Vertex AI (reference section 2): the gateway signs a JWT with the account's
 * private key and exchanges it at Google's token endpoint for a short-lived OAuth access token
 * (OAuth 2.0 for server-to-server applications, grant type jwt-bearer).
 */

/** Google's token endpoint; also the JWT's `aud`. The service account's own `token_uri` is not followed (SSRF). */
export const GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token";
export const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";
/** Where Vertex is called when the service account JSON names no `region` (Cloudflare's field). */
export const DEFAULT_VERTEX_REGION = "us-central1";
/** Google allows at most one hour. */
const ASSERTION_LIFETIME_SECONDS = 3600;
/** A cached token is renewed this long before Google says it expires, so no request carries a dying token. */
const REFRESH_MARGIN_MS = 5 * 60_000;

export const serviceAccountSchema = z.object({
  type: z.literal("service_account", { error: 'must be "service_account"' }),
  project_id: z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, "must be a Google Cloud project id"),
  client_email: z.string().email("must be the service account's e-mail address"),
  private_key: z.string().includes("PRIVATE KEY", { error: "must be a PEM private key" }),
  private_key_id: z.string().optional(),
  token_uri: z.string().optional(),
  region: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a Vertex AI location such as "us-central1" or "global"')
    .optional(),
});

export interface ServiceAccount {
  projectId: string;
  clientEmail: string;
  privateKey: string;
  privateKeyId?: string;
  region: string;
}

/** Why a service account JSON is refused: one line per missing or wrong field, never the values. */
export function serviceAccountProblems(text: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return ["must be a service account JSON key file (the text is not JSON)"];
  }
  const result = serviceAccountSchema.safeParse(parsed);
  const problems = (result.error?.issues ?? []).map(
    (issue) => `${issue.path.join(".") || "value"}: ${issue.message}`,
  );
  if (problems.length === 0 && result.data) {
    try {
      createPrivateKey(result.data.private_key);
    } catch {
      problems.push("private_key: is not a readable PEM private key");
    }
  }
  return problems;
}

/** The service account in a JSON text, or undefined when the text is not one. */
export function parseServiceAccount(text: string): ServiceAccount | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const result = serviceAccountSchema.safeParse(parsed);
  if (!result.success) return undefined;
  const { data } = result;
  return {
    projectId: data.project_id,
    clientEmail: data.client_email,
    privateKey: data.private_key,
    ...(data.private_key_id ? { privateKeyId: data.private_key_id } : {}),
    region: data.region ?? DEFAULT_VERTEX_REGION,
  };
}

/** Fields only a service account JSON has: a decoded Bearer value with one of them was meant as one. */
const SERVICE_ACCOUNT_FIELDS = ["type", "private_key", "client_email"];

/**
 * A caller's `Authorization: Bearer <base64 service account JSON>` (Cloudflare's form); undefined for
 * anything else, such as a plain gcloud access token, which then passes through unchanged. A JSON object
 * meant as a service account that lacks what a token needs is a 400 naming the fields (never forwarded).
 */
export function serviceAccountFromBearer(token: string): ServiceAccount | undefined {
  // Base64 of a JSON object starts with "ey" ("{" then a quote or space); access tokens ("ya29.") do not.
  if (!token.startsWith("ey") || token.includes(".")) return undefined;
  const text = Buffer.from(token, "base64").toString("utf8");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null) return undefined;
  if (!SERVICE_ACCOUNT_FIELDS.some((field) => field in parsed)) return undefined;
  const problems = serviceAccountProblems(text);
  if (problems.length > 0) {
    throw GatewayError.badRequest(
      `The service account JSON in Authorization (base64) is not usable: ${problems.join("; ")}`,
    );
  }
  return parseServiceAccount(text);
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString("base64url");

/** The signed JWT assertion: RS256 over header.claims with the account's private key. */
export function buildAssertion(account: ServiceAccount, nowSeconds: number): string {
  const header = { alg: "RS256", typ: "JWT", ...(account.privateKeyId ? { kid: account.privateKeyId } : {}) };
  const claims = {
    iss: account.clientEmail,
    scope: CLOUD_PLATFORM_SCOPE,
    aud: GOOGLE_TOKEN_URL,
    iat: nowSeconds,
    exp: nowSeconds + ASSERTION_LIFETIME_SECONDS,
  };
  const unsigned = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = createSign("RSA-SHA256").update(unsigned).sign(account.privateKey);
  return `${unsigned}.${base64url(signature)}`;
}

const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().positive(),
});

export interface GoogleTokenMinterOptions {
  /** The token endpoint: GOOGLE_TOKEN_URL, or the UPSTREAM_GOOGLE_OAUTH_URL override. */
  tokenUrl: string;
  fetch: typeof fetch;
  now: () => number;
  /** The SSRF guard, for an overridden token endpoint. */
  checkUrl?: (url: string) => Promise<void>;
}

/**
 * Mints access tokens and keeps each until shortly before it expires, per service account (client e-mail
 * and key id); concurrent requests for the same account share one exchange. A failed exchange is not kept.
 */
export class GoogleTokenMinter {
  private readonly tokens = new Map<string, { token: string; renewAt: number }>();
  private readonly pending = new Map<string, Promise<string>>();

  constructor(private readonly options: GoogleTokenMinterOptions) {}

  async accessToken(account: ServiceAccount): Promise<string> {
    const key = `${account.clientEmail}\n${account.privateKeyId ?? ""}`;
    const cached = this.tokens.get(key);
    if (cached && cached.renewAt > this.options.now()) return cached.token;
    const inFlight = this.pending.get(key);
    if (inFlight) return inFlight;
    const minting = this.mint(account, key).finally(() => this.pending.delete(key));
    this.pending.set(key, minting);
    return minting;
  }

  private async mint(account: ServiceAccount, key: string): Promise<string> {
    const { tokenUrl } = this.options;
    if (tokenUrl !== GOOGLE_TOKEN_URL) await this.options.checkUrl?.(tokenUrl);
    let assertion: string;
    try {
      assertion = buildAssertion(account, Math.floor(this.options.now() / 1000));
    } catch {
      throw GatewayError.badRequest("The Vertex AI service account's private_key cannot sign a token");
    }
    const body = new URLSearchParams({
      grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer",
      assertion,
    });
    let response: Response;
    try {
      response = await this.options.fetch(tokenUrl, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body,
      });
    } catch {
      throw new GatewayError({
        status: 502,
        code: ERROR_CODES.upstreamUnavailable,
        message: "Google's OAuth token endpoint could not be reached",
      });
    }
    const answer = await response.json().catch(() => undefined);
    const parsed = tokenResponseSchema.safeParse(answer);
    if (!response.ok || !parsed.success) {
      // Google's error and error_description name the problem (invalid_grant, ...), never a secret.
      const reason = describeTokenError(answer);
      throw new GatewayError({
        status: 401,
        code: ERROR_CODES.unauthorized,
        message: `Google refused the Vertex AI service account (${response.status}${reason ? `: ${reason}` : ""})`,
      });
    }
    const renewAt = this.options.now() + parsed.data.expires_in * 1000 - REFRESH_MARGIN_MS;
    this.tokens.set(key, { token: parsed.data.access_token, renewAt });
    return parsed.data.access_token;
  }
}

function describeTokenError(body: unknown): string {
  if (typeof body !== "object" || body === null) return "";
  const { error, error_description } = body as Record<string, unknown>;
  return [error, error_description]
    .filter((part): part is string => typeof part === "string")
    .join(" ")
    .slice(0, 200);
}
