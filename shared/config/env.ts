import { z } from "zod";
import { DEFAULT_LOG_DELETE_SLICE_SIZE } from "../logs/log-delete-jobs.ts";
import { DEFAULT_LOG_BODIES_S3_MIN_BYTES } from "../store/log-keys.ts";
import { DEFAULT_LOG_SHARDS, isValidShardCount, MAX_LOG_SHARDS } from "../store/log-shards.ts";

/**
 * Write shards per gateway of the logs table (shared/store/log-shards.ts), the same on the api and the
 * log-writer: a power of two, from the busiest gateway's expected rate (docs/logging.md). Raise it, never lower it.
 */
const logShards = z.coerce
  .number()
  .refine(isValidShardCount, `LOG_SHARDS must be a power of two from 1 to ${MAX_LOG_SHARDS}`)
  .default(DEFAULT_LOG_SHARDS);

/**
 * Settings read from the environment once, at cold start, per function. A missing or malformed setting
 * fails here with a message that names it, instead of surfacing later as a confusing runtime error.
 * The same variables are set by the CDK stack on AWS and by the local runtime under `npm start`.
 */
const positiveInt = z.coerce.number().int().positive();

/** Logs one slice of a log-delete job deletes (shared/logs/log-delete-worker.ts); the same on the writer and the worker. */
const logDeleteSliceSize = positiveInt.max(10_000).default(DEFAULT_LOG_DELETE_SLICE_SIZE);

const adminToken = {
  /** The bootstrap admin token in clear (local runtime and tests). */
  AIG_API_TOKEN: z.string().min(16).optional(),
  /** On AWS: the Secrets Manager secret that holds the bootstrap admin token. */
  AIG_API_TOKEN_SECRET_ARN: z.string().min(1).optional(),
};

/** Envelope encryption of stored provider keys: KMS on AWS, a local master key file under `npm start`. */
const providerKeyEncryption = {
  PROVIDER_KEYS_KMS_KEY_ID: z.string().min(1).optional(),
  PROVIDER_KEYS_MASTER_KEY_FILE: z.string().min(1).optional(),
};

/** Guardrails' scanner (docs/guardrails.md): Bedrock Guardrails, an OpenAI-compatible moderation endpoint, or none. */
const guardrailsScanner = {
  /** Which scanner; unset: Bedrock when BEDROCK_GUARDRAIL_ID is set, else moderation when its URL is, else none. */
  GUARDRAILS_SCANNER: z.enum(["bedrock", "openai-moderation"]).optional(),
  /** The stack's guardrail (its id or ARN) and version for ApplyGuardrail. */
  BEDROCK_GUARDRAIL_ID: z.string().min(1).max(2048).optional(),
  BEDROCK_GUARDRAIL_VERSION: z
    .string()
    .regex(/^([1-9][0-9]{0,7}|DRAFT)$/)
    .default("DRAFT"),
  /** The moderation API's base URL (`/moderations` is appended), its key and model. */
  GUARDRAILS_MODERATION_URL: z.string().url().optional(),
  GUARDRAILS_MODERATION_API_KEY: z.string().min(1).optional(),
  GUARDRAILS_MODERATION_MODEL: z.string().min(1).default("omni-moderation-latest"),
  /** A response stream is scanned each time this many tokens of new text have arrived, and at its end. */
  GUARDRAILS_STREAM_WINDOW_TOKENS: positiveInt.max(100_000).default(100),
  /** How long one scan may take before the scanner counts as unavailable. */
  GUARDRAILS_TIMEOUT_MS: positiveInt.default(10_000),
};

const proxyEnvSchema = z.object({
  ACCOUNT_ID: z.string().min(1).max(64),
  CONFIG_TABLE_NAME: z.string().min(1),
  /** Response cache entries and rate-limit counters (docs/caching.md, docs/rate-limiting.md). */
  STATE_TABLE_NAME: z.string().min(1),
  LOG_QUEUE_URL: z.string().url(),
  /**
   * How long a log event may wait for others to share its SendMessageBatch (shared/queue/log-sink.ts).
   * 0 on Lambda, where an instance serves one request at a time; the local runtime sets a few ms.
   */
  LOG_BATCH_LINGER_MS: z.coerce.number().int().min(0).max(1_000).default(0),
  /** How long a log event's send is retried while SQS cannot take it (log-sink.ts); 0 on Lambda. */
  LOG_QUEUE_RETRY_MS: z.coerce.number().int().min(0).max(600_000).default(0),
  /**
   * Which client sends log events to SQS: `lean` (shared/queue/lean-sqs-client.ts, the default: the least
   * CPU per call) or `sdk`, the AWS SDK's (shared/queue/sdk-sqs-client.ts), should the lean one misbehave.
   */
  LOG_QUEUE_CLIENT: z.enum(["lean", "sdk"]).default("lean"),
  ...adminToken,
  /** How long to wait for the provider's first byte before answering 504. */
  UPSTREAM_TIMEOUT_MS: positiveInt.default(600_000),
  /**
   * On AWS: the longest time from API Gateway receiving a request to the provider's first byte, retries
   * included, set by the stack below API Gateway's idle timeout of a stream (functions/lib/first-byte-deadline.ts).
   * Unset (local runtime): only the Lambda deadline counts.
   */
  FIRST_BYTE_DEADLINE_MS: positiveInt.optional(),
  /** Milliseconds kept back from the Lambda deadline to answer with a 504 and queue the log (docs/resilience.md). */
  DEADLINE_MARGIN_MS: z.coerce.number().int().min(0).default(1_500),
  /** How long gateway configuration is kept in memory before it is read again. */
  CONFIG_CACHE_TTL_MS: z.coerce.number().int().min(0).default(5_000),
  /** The largest request body accepted. Lambda's invoke payload is 6 MB and bodies arrive base64-encoded (x4/3). */
  MAX_REQUEST_BODY_BYTES: positiveInt.default(4 * 1024 * 1024),
  /** How long a token's verdict is cached: the longest a revoked token keeps working on a warm instance. */
  TOKEN_CACHE_TTL_MS: z.coerce.number().int().min(0).default(10_000),
  /** Hosts an override or a custom provider may point at even though they resolve to private addresses. */
  TRUSTED_UPSTREAM_HOSTS: z.string().default(""),
  ...providerKeyEncryption,
  ...guardrailsScanner,
});

const apiEnvSchema = z.object({
  LOG_SHARDS: logShards,
  ACCOUNT_ID: z.string().min(1).max(64),
  CONFIG_TABLE_NAME: z.string().min(1),
  LOGS_TABLE_NAME: z.string().min(1),
  /** The bucket holding log bodies (S3 objects); unset, bodies stay in the logs table as before. */
  LOG_BODIES_BUCKET: z.string().min(1).optional(),
  ...adminToken,
  /** How long an API token found by value is trusted: the longest a revoked token keeps working here. */
  TOKEN_CACHE_TTL_MS: z.coerce.number().int().min(0).default(10_000),
  /** Without either, the provider-key routes answer 501. */
  ...providerKeyEncryption,
  /** Analytics: the widest time range one query may cover, in hours at hour granularity. */
  ANALYTICS_MAX_HOURS: positiveInt.default(31 * 24),
  /** The queue of log-delete jobs: DELETE .../logs starts a job there (docs/logging.md). */
  LOG_DELETE_QUEUE_URL: z.string().url(),
  /** How long DELETE .../logs waits for its job to end before answering 202 with it still running. */
  LOG_DELETE_WAIT_MS: z.coerce.number().int().min(0).max(20_000).default(3_000),
});

const logDeleterEnvSchema = z.object({
  LOGS_TABLE_NAME: z.string().min(1),
  LOG_SHARDS: logShards,
  /** The bucket holding log bodies (S3 objects), deleted with their logs. */
  LOG_BODIES_BUCKET: z.string().min(1).optional(),
  /** Where a job's gateway is looked up: a job whose gateway was deleted fails. */
  CONFIG_TABLE_NAME: z.string().min(1),
  /** The job's own queue: a job that has more to do queues its next message there. */
  LOG_DELETE_QUEUE_URL: z.string().url(),
  LOG_DELETE_SLICE_SIZE: logDeleteSliceSize,
  /** How long one message keeps starting slices before handing the job to its next message. */
  LOG_DELETE_BUDGET_MS: z.coerce.number().int().min(0).max(600_000).default(60_000),
});

const logWriterEnvSchema = z.object({
  LOGS_TABLE_NAME: z.string().min(1),
  LOG_SHARDS: logShards,
  /** The bucket holding log bodies (S3 objects); unset, bodies stay in the logs table as before. */
  LOG_BODIES_BUCKET: z.string().min(1).optional(),
  /**
   * With a bucket: the gzip bytes (request and response together) from which a log's bodies go to S3;
   * smaller ones stay in the logs table, where they cost less (docs/cost.md). 0 sends every log's to S3.
   */
  LOG_BODIES_S3_MIN_BYTES: z.coerce.number().int().min(0).default(DEFAULT_LOG_BODIES_S3_MIN_BYTES),
  /** Where each gateway's `log_management` (retention) is read from. */
  CONFIG_TABLE_NAME: z.string().min(1),
  /** Days a log is kept before DynamoDB's TTL removes it (`expires_at`); 0 keeps logs until deleted. */
  LOGS_TTL_DAYS: z.coerce.number().min(0).max(3650).default(0),
  /** How long a gateway's retention setting is cached by the log-writer. */
  GATEWAY_SETTINGS_CACHE_TTL_MS: z.coerce.number().int().min(0).default(30_000),
  /** The Firehose delivery stream every stored log is exported to (CDK context `logExport=true`). */
  LOG_EXPORT_STREAM: z.string().min(1).optional(),
  /** Locally, without a stream: the directory exported logs are written to as files (docs/analytics.md). */
  LOG_EXPORT_DIR: z.string().min(1).optional(),
  /** Hosts a gateway's OTLP endpoint may use although they are private (docs/observability.md), comma-separated. */
  TRUSTED_UPSTREAM_HOSTS: z.string().default(""),
  /** DELETE_OLDEST's overflow past one slice goes to a log-delete job on this queue; unset, it is trimmed in the batch. */
  LOG_DELETE_QUEUE_URL: z.string().url().optional(),
  LOG_DELETE_SLICE_SIZE: logDeleteSliceSize,
});

export type ProxyEnv = z.infer<typeof proxyEnvSchema> & { upstreamOverrides: Record<string, string> };
export type ApiEnv = z.infer<typeof apiEnvSchema>;
export type LogWriterEnv = z.infer<typeof logWriterEnvSchema>;
export type LogDeleterEnv = z.infer<typeof logDeleterEnvSchema>;

function parseWith<T>(schema: z.ZodType<T>, source: NodeJS.ProcessEnv): T {
  const result = schema.safeParse(source);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid environment: ${problems.join("; ")}`);
  }
  return result.data;
}

/** `UPSTREAM_OPENAI_URL` -> "openai", `UPSTREAM_GOOGLE_AI_STUDIO_URL` -> "google-ai-studio". */
export function readUpstreamOverrides(source: NodeJS.ProcessEnv): Record<string, string> {
  const overrides: Record<string, string> = {};
  for (const [name, value] of Object.entries(source)) {
    const match = /^UPSTREAM_([A-Z0-9_]+)_URL$/.exec(name);
    if (!match?.[1] || !value) continue;
    if (!z.string().url().safeParse(value).success) {
      throw new Error(`Invalid environment: ${name} must be a URL, got "${value}"`);
    }
    overrides[match[1].toLowerCase().replaceAll("_", "-")] = value.replace(/\/+$/, "");
  }
  return overrides;
}

export function parseProxyEnv(source: NodeJS.ProcessEnv = process.env): ProxyEnv {
  return { ...parseWith(proxyEnvSchema, source), upstreamOverrides: readUpstreamOverrides(source) };
}

export function parseApiEnv(source: NodeJS.ProcessEnv = process.env): ApiEnv {
  return parseWith(apiEnvSchema, source);
}

export function parseLogWriterEnv(source: NodeJS.ProcessEnv = process.env): LogWriterEnv {
  return parseWith(logWriterEnvSchema, source);
}

export function parseLogDeleterEnv(source: NodeJS.ProcessEnv = process.env): LogDeleterEnv {
  return parseWith(logDeleterEnvSchema, source);
}
