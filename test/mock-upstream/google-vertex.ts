/**
 * Google's OAuth 2.0 token endpoint for service accounts and Vertex AI's Gemini endpoints, tied together:
 *   POST /token   grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=<RS256 JWT>
 *                 The JWT must be signed by the mock's service account key (generated when the mock starts,
 *                 never committed) and carry iss = its client_email, scope cloud-platform,
 *                 aud https://oauth2.googleapis.com/token, iat/exp within the hour. Answers
 *                 `{access_token, expires_in: 3599, token_type: "Bearer"}`, or Google's
 *                 `{error: "invalid_grant", error_description}` (400).
 *   POST /v1/projects/{p}/locations/{r}/publishers/google/models/{model}:generateContent
 *        (and :streamGenerateContent[?alt=sse]): Gemini's answers (gemini.ts), for a token minted here.
 */
import { createVerify, generateKeyPairSync } from "node:crypto";
import { gemini, generateContent } from "./gemini.ts";
import { type MockContext, type ProviderModule, sendJson } from "./runtime.ts";

export const MOCK_GOOGLE_PROJECT = "mock-project-123";
export const MOCK_GOOGLE_CLIENT_EMAIL = `gateway-tests@${MOCK_GOOGLE_PROJECT}.iam.gserviceaccount.com`;
const TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token";
const SCOPE = "https://www.googleapis.com/auth/cloud-platform";

export interface GoogleVertexMock {
  modules: ProviderModule[];
  /** A service account JSON key (with the gateway's `region`) whose tokens this mock accepts. */
  serviceAccountJson(region?: string): string;
  /** Access tokens this mock has issued, in order. */
  issuedTokens: string[];
}

function invalidGrant(ctx: MockContext, description: string): void {
  sendJson(ctx, 400, { error: "invalid_grant", error_description: description });
}

function decodePart(part: string | undefined): Record<string, unknown> | undefined {
  try {
    return JSON.parse(Buffer.from(part ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

export function createGoogleVertexMock(): GoogleVertexMock {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const privateKeyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const issuedTokens: string[] = [];
  let counter = 0;

  async function token(ctx: MockContext): Promise<void> {
    const form = new URLSearchParams(ctx.rawBody);
    if (form.get("grant_type") !== "urn:ietf:params:oauth:grant-type:jwt-bearer") {
      return sendJson(ctx, 400, { error: "unsupported_grant_type", error_description: "Invalid grant_type" });
    }
    const [header, claims, signature] = (form.get("assertion") ?? "").split(".");
    const head = decodePart(header);
    const body = decodePart(claims);
    if (!head || !body || signature === undefined || head.alg !== "RS256") {
      return invalidGrant(ctx, "Invalid JWT: malformed assertion");
    }
    const verified = createVerify("RSA-SHA256")
      .update(`${header}.${claims}`)
      .verify(publicKey, Buffer.from(signature, "base64url"));
    if (!verified) return invalidGrant(ctx, "Invalid JWT Signature.");
    const now = Math.floor(Date.now() / 1000);
    const { iss, scope, aud, iat, exp } = body;
    if (iss !== MOCK_GOOGLE_CLIENT_EMAIL) return invalidGrant(ctx, "Invalid JWT: unknown issuer");
    if (scope !== SCOPE) return invalidGrant(ctx, "Invalid JWT: scope");
    if (aud !== TOKEN_AUDIENCE) return invalidGrant(ctx, "Invalid JWT: audience");
    if (typeof iat !== "number" || typeof exp !== "number" || exp <= now || exp - iat > 3600) {
      return invalidGrant(ctx, "Invalid JWT: Token must be a short-lived token (60 minutes)");
    }
    const accessToken = `ya29.mock-${++counter}-${ctx.requestId}`;
    issuedTokens.push(accessToken);
    sendJson(ctx, 200, { access_token: accessToken, expires_in: 3599, token_type: "Bearer" });
  }

  const oauth: ProviderModule = {
    slug: "google-oauth",
    formBody: true,
    routes: [{ pattern: /^\/token$/, handle: token }],
    isAuthorized: () => true,
    errorResponse: (status) => ({
      body: { error: "invalid_request", error_description: `status ${status}` },
    }),
  };

  const vertex: ProviderModule = {
    slug: "google-vertex-ai",
    routes: [
      {
        pattern:
          /^\/v1\/projects\/[^/]+\/locations\/[^/]+\/publishers\/google\/models\/([^/:]+):(generateContent|streamGenerateContent)$/,
        handle: generateContent,
      },
    ],
    isAuthorized(ctx) {
      const match = /^Bearer (.+)$/.exec(String(ctx.req.headers.authorization ?? ""));
      return match?.[1] !== undefined && issuedTokens.includes(match[1]);
    },
    errorResponse: (status, ctx) => gemini.errorResponse(status, ctx),
  };

  return {
    modules: [oauth, vertex],
    issuedTokens,
    serviceAccountJson: (region = "us-central1") =>
      JSON.stringify({
        type: "service_account",
        project_id: MOCK_GOOGLE_PROJECT,
        private_key_id: "0123456789abcdef",
        private_key: privateKeyPem,
        client_email: MOCK_GOOGLE_CLIENT_EMAIL,
        client_id: "100000000000000000001",
        token_uri: TOKEN_AUDIENCE,
        region,
      }),
  };
}
