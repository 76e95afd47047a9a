/**
 * The one error family of the gateway. Every failure that reaches a client is a GatewayError; it is
 * turned into an HTTP response in exactly one place (shared/http/error-response.ts), in the dialect of
 * the surface that was called. `expose: false` keeps the message away from the client (5xx details go to
 * the log only); `code` is the Cloudflare-style internal code (docs/errors.md lists them).
 */
export const ERROR_CODES = {
  unauthorized: 2009,
  invalidInput: 7003,
  notFound: 7002,
  payloadTooLarge: 7004,
  upstreamUnavailable: 7009,
  upstreamTimeout: 7010,
  untrustedUpstream: 7011,
  unknownKeyAlias: 2040,
  /** A spend-limit rule of the gateway is over its budget (reference 5.5; 429). */
  spendLimitExceeded: 2041,
  /** Cloudflare's "Rate limited" (reference 5.2): the gateway's rate limit is exhausted. */
  rateLimited: 2003,
  /** The rate-limit counters could not be reached and the gateway fails closed (docs/rate-limiting.md). */
  rateLimitUnavailable: 7012,
  /** Guardrails (reference 8.3): a prompt blocked (424 on provider routes), a response blocked (424; 422 on /ai/run). */
  guardrailPromptBlocked: 2016,
  guardrailResponseBlocked: 2017,
  /** The guardrails scanner did not answer and a rule of that phase blocks (503). */
  guardrailScannerUnavailable: 7013,
  internal: 7000,
} as const;

export interface GatewayErrorOptions {
  status: number;
  code: number;
  message: string;
  retryable?: boolean;
  expose?: boolean;
  cause?: unknown;
  /** Extra response headers (Retry-After and the RateLimit fields of a 429). */
  headers?: Record<string, string>;
}

export class GatewayError extends Error {
  readonly status: number;
  readonly code: number;
  readonly retryable: boolean;
  readonly expose: boolean;
  readonly headers: Record<string, string>;

  constructor(options: GatewayErrorOptions) {
    super(options.message, { cause: options.cause });
    this.name = "GatewayError";
    this.status = options.status;
    this.code = options.code;
    this.retryable = options.retryable ?? false;
    this.expose = options.expose ?? options.status < 500;
    this.headers = options.headers ?? {};
  }

  /** The message a client may see: 5xx details stay in the log unless marked safe to expose. */
  get publicMessage(): string {
    return this.expose ? this.message : "Internal gateway error";
  }

  static badRequest(message: string): GatewayError {
    return new GatewayError({ status: 400, code: ERROR_CODES.invalidInput, message });
  }

  /** A `cf-aig-byok-alias` that names no stored key of the provider; the message lists the ones there are. */
  static unknownKeyAlias(provider: string, alias: string, aliases: string[]): GatewayError {
    return new GatewayError({
      status: 400,
      code: ERROR_CODES.unknownKeyAlias,
      message: `Provider '${provider}' has no BYOK credential named '${alias}'. Configured aliases: ${
        aliases.length > 0 ? aliases.join(", ") : "none"
      }`,
    });
  }

  static notFound(message: string): GatewayError {
    return new GatewayError({ status: 404, code: ERROR_CODES.notFound, message });
  }

  static unauthorized(message = "Unauthorized"): GatewayError {
    return new GatewayError({ status: 401, code: ERROR_CODES.unauthorized, message });
  }

  static internal(cause: unknown): GatewayError {
    return new GatewayError({ status: 500, code: ERROR_CODES.internal, message: String(cause), cause });
  }
}

export function toGatewayError(error: unknown): GatewayError {
  return error instanceof GatewayError ? error : GatewayError.internal(error);
}
