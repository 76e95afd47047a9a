import type { AwsCredentialIdentityProvider } from "@smithy/types";
import type { ProxyEnv } from "../../config/env.ts";
import type { StructuredLogger } from "../../core/structured-logger.ts";
import type { PipelineChecks } from "../../pipeline/checks-stage.ts";
import { BedrockGuardrailEvaluator } from "./bedrock-evaluator.ts";
import { type GuardrailEvaluator, ScannerUnavailableError } from "./guardrail-evaluator.ts";
import { ModerationGuardrailEvaluator } from "./moderation-evaluator.ts";
import { promptGuardrail } from "./prompt-guardrail.ts";
import { responseGuardrail } from "./response-guardrail.ts";

export interface GuardrailCheckDependencies {
  env: ProxyEnv;
  logger: StructuredLogger;
  awsCredentials: AwsCredentialIdentityProvider;
  /** The region of the Bedrock guardrail (the Lambda's own, AWS_REGION). */
  region: string;
  fetch: typeof globalThis.fetch;
}

/**
 * The guardrails' request check and response transform, with the scanner the environment names. They cost
 * nothing on a gateway without `guardrails` rules. Without a scanner every scan is "unavailable", so a
 * gateway whose rules block refuses with 503/7013 rather than letting traffic through unscanned.
 */
export function guardrailChecks(deps: GuardrailCheckDependencies): PipelineChecks {
  const evaluator = scannerFromEnv(deps);
  return {
    requests: [promptGuardrail(evaluator, deps.logger)],
    responses: [
      responseGuardrail({
        evaluator,
        logger: deps.logger,
        windowTokens: deps.env.GUARDRAILS_STREAM_WINDOW_TOKENS,
      }),
    ],
  };
}

/** The scanner the environment names; one named without its setting fails the cold start, naming it. */
function scannerFromEnv({
  env,
  awsCredentials,
  region,
  fetch,
}: GuardrailCheckDependencies): GuardrailEvaluator {
  const scanner =
    env.GUARDRAILS_SCANNER ??
    (env.BEDROCK_GUARDRAIL_ID ? "bedrock" : env.GUARDRAILS_MODERATION_URL ? "openai-moderation" : null);
  if (scanner === "bedrock" && env.BEDROCK_GUARDRAIL_ID) {
    const endpoint = env.upstreamOverrides["aws-bedrock"];
    return new BedrockGuardrailEvaluator({
      guardrailId: env.BEDROCK_GUARDRAIL_ID,
      guardrailVersion: env.BEDROCK_GUARDRAIL_VERSION,
      region,
      ...(endpoint ? { endpoint } : {}),
      credentials: awsCredentials,
      timeoutMs: env.GUARDRAILS_TIMEOUT_MS,
    });
  }
  if (scanner === "openai-moderation" && env.GUARDRAILS_MODERATION_URL) {
    return new ModerationGuardrailEvaluator({
      baseUrl: env.GUARDRAILS_MODERATION_URL,
      ...(env.GUARDRAILS_MODERATION_API_KEY ? { apiKey: env.GUARDRAILS_MODERATION_API_KEY } : {}),
      model: env.GUARDRAILS_MODERATION_MODEL,
      timeoutMs: env.GUARDRAILS_TIMEOUT_MS,
      fetch,
    });
  }
  if (scanner === "bedrock")
    throw new Error("Invalid environment: GUARDRAILS_SCANNER=bedrock needs BEDROCK_GUARDRAIL_ID");
  if (scanner === "openai-moderation")
    throw new Error(
      "Invalid environment: GUARDRAILS_SCANNER=openai-moderation needs GUARDRAILS_MODERATION_URL",
    );
  return NO_SCANNER;
}

/** No scanner configured: every scan is unavailable. */
const NO_SCANNER: GuardrailEvaluator = {
  name: "none",
  evaluate: () =>
    Promise.reject(
      new ScannerUnavailableError(
        "no guardrails scanner is configured (BEDROCK_GUARDRAIL_ID or GUARDRAILS_MODERATION_URL)",
      ),
    ),
};
