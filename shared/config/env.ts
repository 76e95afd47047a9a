import { z } from "zod";

/**
 * Settings read from the environment once, at cold start. A missing or malformed setting fails here
 * with a message that names it, instead of surfacing later as a confusing runtime error.
 * The same variables are set by the CDK stack on AWS and by the local runtime under `npm start`.
 */
const positiveInt = z.coerce.number().int().positive();

const envSchema = z.object({
  ACCOUNT_ID: z.string().min(1).max(64),
  CONFIG_TABLE_NAME: z.string().min(1),
  LOGS_TABLE_NAME: z.string().min(1),
  LOG_QUEUE_URL: z.string().url(),
  /** The bootstrap admin token in clear (local runtime and tests). */
  AIG_API_TOKEN: z.string().min(16).optional(),
  /** On AWS: the Secrets Manager secret that holds the bootstrap admin token. */
  AIG_API_TOKEN_SECRET_ARN: z.string().min(1).optional(),
  /** How long to wait for the provider's first byte before answering 504. */
  UPSTREAM_TIMEOUT_MS: positiveInt.default(600_000),
  /** How long gateway configuration is kept in memory before it is read again. */
  CONFIG_CACHE_TTL_MS: z.coerce.number().int().min(0).default(5_000),
  /** The largest request body the proxy accepts (API Gateway allows 10 MB, Lambda's invoke 6 MB base64). */
  MAX_REQUEST_BODY_BYTES: positiveInt.default(4 * 1024 * 1024),
});

export type GatewayEnv = z.infer<typeof envSchema> & { upstreamOverrides: Record<string, string> };

/** `UPSTREAM_OPENAI_URL` -> "openai", `UPSTREAM_GOOGLE_AI_STUDIO_URL` -> "google-ai-studio". */
function readUpstreamOverrides(source: NodeJS.ProcessEnv): Record<string, string> {
  const overrides: Record<string, string> = {};
  for (const [name, value] of Object.entries(source)) {
    const match = /^UPSTREAM_([A-Z0-9_]+)_URL$/.exec(name);
    if (!match?.[1] || !value) continue;
    const parsed = z.string().url().safeParse(value);
    if (!parsed.success) throw new Error(`Invalid environment: ${name} must be a URL, got "${value}"`);
    overrides[match[1].toLowerCase().replaceAll("_", "-")] = value.replace(/\/+$/, "");
  }
  return overrides;
}

export function parseEnv(source: NodeJS.ProcessEnv = process.env): GatewayEnv {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid environment: ${problems.join("; ")}`);
  }
  return { ...result.data, upstreamOverrides: readUpstreamOverrides(source) };
}
