import {
  ApplyGuardrailCommand,
  type ApplyGuardrailCommandOutput,
  BedrockRuntimeClient,
} from "@aws-sdk/client-bedrock-runtime";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import type { GuardrailCategory, GuardrailPhase } from "../../schemas/guardrails.ts";
import { categoryOfBedrockFilter, categoryOfBedrockTopic } from "./bedrock-policy.ts";
import {
  type GuardrailEvaluator,
  type GuardrailScan,
  ScannerUnavailableError,
  scanPieces,
} from "./guardrail-evaluator.ts";

export interface BedrockEvaluatorOptions {
  guardrailId: string;
  guardrailVersion: string;
  region: string;
  /** UPSTREAM_AWS_BEDROCK_URL locally (the mock); absent on AWS, where the SDK finds the regional endpoint. */
  endpoint?: string;
  /** The proxy role's credentials on AWS (the default provider chain). */
  credentials?: AwsCredentialIdentityProvider;
  timeoutMs: number;
}

/**
 * Our choice, not a Bedrock limit: ApplyGuardrail bills per 1,000-character text unit and takes a request
 * of several units; long texts are sent in pieces of this size, in parallel.
 */
const MAX_CHARS_PER_CALL = 20_000;

/**
 * Amazon Bedrock Guardrails' ApplyGuardrail (`POST /guardrail/{id}/version/{version}/apply`): the prompt as
 * source INPUT, the response as OUTPUT. A category is detected when a content filter or a denied topic of
 * the assessment blocked or detected it (bedrock-policy.ts reads them back).
 */
export class BedrockGuardrailEvaluator implements GuardrailEvaluator {
  readonly name = "bedrock-guardrails";
  private readonly client: BedrockRuntimeClient;

  constructor(private readonly options: BedrockEvaluatorOptions) {
    this.client = new BedrockRuntimeClient({
      region: options.region,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
      // One retry: a scan waits in front of the provider call, and a scanner that is down is answered by the rules.
      maxAttempts: 2,
      // HTTP/1.1: the runtime client's default HTTP/2 handler (there for its bidirectional streams) cannot
      // speak to a plain http:// endpoint such as the local mock, and ApplyGuardrail is one JSON call.
      requestHandler: new NodeHttpHandler({ connectionTimeout: options.timeoutMs }),
    });
  }

  evaluate(text: string, phase: GuardrailPhase, signal?: AbortSignal): Promise<GuardrailScan> {
    return scanPieces(text, MAX_CHARS_PER_CALL, (piece) => this.scanOne(piece, phase, signal));
  }

  private async scanOne(
    text: string,
    phase: GuardrailPhase,
    signal?: AbortSignal,
  ): Promise<GuardrailCategory[]> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    let output: ApplyGuardrailCommandOutput;
    try {
      output = await this.client.send(
        new ApplyGuardrailCommand({
          guardrailIdentifier: this.options.guardrailId,
          guardrailVersion: this.options.guardrailVersion,
          source: phase === "prompt" ? "INPUT" : "OUTPUT",
          content: [{ text: { text } }],
        }),
        { abortSignal: signal ? AbortSignal.any([signal, timeout]) : timeout },
      );
    } catch (error) {
      throw new ScannerUnavailableError(`Bedrock ApplyGuardrail failed: ${errorName(error)}`, {
        cause: error,
      });
    }
    return detectedCategories(output);
  }
}

/** The categories an ApplyGuardrail answer reports, from its content filters and denied topics. */
export function detectedCategories(
  output: Pick<ApplyGuardrailCommandOutput, "assessments">,
): GuardrailCategory[] {
  const found = new Set<GuardrailCategory>();
  for (const assessment of output.assessments ?? []) {
    for (const filter of assessment.contentPolicy?.filters ?? []) {
      const category = categoryOfBedrockFilter(filter.type);
      if (category && (filter.action === "BLOCKED" || filter.detected === true)) found.add(category);
    }
    for (const topic of assessment.topicPolicy?.topics ?? []) {
      const category = categoryOfBedrockTopic(topic.name);
      if (category && (topic.action === "BLOCKED" || topic.detected === true)) found.add(category);
    }
  }
  return [...found];
}

function errorName(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 300);
  return String(error).slice(0, 300);
}
