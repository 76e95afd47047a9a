/**
 * The two guardrail scanners the gateway calls, driven by markers in the scanned text so tests choose the
 * outcome: `guard:S1` ... `guard:S13`, `guard:P1` mark the text as falling in that category, and
 * `guard:unavailable` makes the scanner answer 503.
 *
 * - Amazon Bedrock Guardrails `POST /guardrail/{id}/version/{version}/apply`
 *   (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ApplyGuardrail.html), SigV4-signed
 *   and verified as the Bedrock mock verifies it: `{source: INPUT|OUTPUT, content: [{text: {text}}]}` ->
 *   `{usage, action: NONE|GUARDRAIL_INTERVENED, outputs, assessments: [{topicPolicy, contentPolicy,
 *   invocationMetrics}]}` in the shape of `apply-guardrail.json`. It stands for the guardrail the stack
 *   creates: S1, S2, S10, S12 and P1 are content filters (VIOLENCE, MISCONDUCT, HATE, SEXUAL,
 *   PROMPT_ATTACK, the last on INPUT only, as Bedrock applies it), the other categories denied topics.
 * - OpenAI moderation `POST /v1/moderations`
 *   (https://platform.openai.com/docs/api-reference/moderations/create): `{model, input}` -> `{id, model,
 *   results: [{flagged, categories, category_scores, category_applied_input_types}]}` as in
 *   `moderation.json`. A marker OpenAI has no category for is not flagged (as OpenAI would not).
 */
import { BEDROCK_DENIED_TOPICS } from "../../shared/checks/guardrails/bedrock-policy.ts";
import { refusedSignature } from "./bedrock.ts";
import {
  type ErrorEntry,
  loadFixture,
  type MockContext,
  type ProviderModule,
  pickError,
  sendJson,
} from "./runtime.ts";

interface ApplyGuardrailAnswer {
  action: string;
  outputs: { text: string }[];
  assessments: {
    topicPolicy?: { topics: Record<string, unknown>[] };
    contentPolicy?: { filters: Record<string, unknown>[] };
    invocationMetrics: Record<string, unknown>;
  }[];
  [field: string]: unknown;
}

interface ModerationAnswer {
  id: string;
  model: string;
  results: {
    flagged: boolean;
    categories: Record<string, boolean>;
    category_scores: Record<string, number>;
    [field: string]: unknown;
  }[];
}

const applyFixture = loadFixture<ApplyGuardrailAnswer>("aws-bedrock", "apply-guardrail.json");
const moderationFixture = loadFixture<ModerationAnswer>("openai", "moderation.json");
const bedrockErrors = loadFixture<Record<string, ErrorEntry>>("aws-bedrock", "errors.json");
const openaiErrors = loadFixture<Record<string, ErrorEntry>>("openai", "errors.json");

const MARKER = /guard:(S1[0-3]|S[1-9]|P1|unavailable)(?![0-9A-Za-z])/g;

/** The markers in a text, in order, without repeats. */
function markers(text: string): string[] {
  return [...new Set([...text.matchAll(MARKER)].map((match) => match[1] ?? ""))];
}

const FILTERS: Record<string, string> = {
  S1: "VIOLENCE",
  S2: "MISCONDUCT",
  S10: "HATE",
  S12: "SEXUAL",
  P1: "PROMPT_ATTACK",
};

async function applyGuardrail(ctx: MockContext, match: RegExpExecArray): Promise<void> {
  if (await refusedSignature(ctx)) return;
  const headers = { "x-amzn-requestid": ctx.requestId };
  const { source, content } = ctx.body as { source?: unknown; content?: unknown };
  const texts = Array.isArray(content)
    ? content.map((block) => (block as { text?: { text?: unknown } })?.text?.text)
    : [];
  if (
    (source !== "INPUT" && source !== "OUTPUT") ||
    texts.length === 0 ||
    texts.some((t) => typeof t !== "string")
  ) {
    const entry = pickError(bedrockErrors, 400);
    return sendJson(ctx, 400, entry.body, { ...entry.headers, ...headers });
  }
  const found = markers(texts.join("\n"));
  if (found.includes("unavailable")) {
    const entry = pickError(bedrockErrors, 503);
    return sendJson(ctx, 503, entry.body, { ...entry.headers, ...headers });
  }
  const filters = found
    .filter((code) => FILTERS[code] && (code !== "P1" || source === "INPUT"))
    .map((code) => ({
      type: FILTERS[code],
      confidence: "HIGH",
      filterStrength: "HIGH",
      action: "BLOCKED",
      detected: true,
    }));
  const topics = BEDROCK_DENIED_TOPICS.filter((topic) => found.includes(topic.category)).map((topic) => ({
    name: topic.name,
    type: "DENY",
    action: "BLOCKED",
    detected: true,
  }));
  const answer = structuredClone(applyFixture);
  const intervened = filters.length + topics.length > 0;
  const [assessment] = answer.assessments;
  if (!assessment) throw new Error("apply-guardrail.json has no assessment");
  answer.assessments = [
    {
      ...(topics.length > 0 ? { topicPolicy: { topics } } : {}),
      ...(filters.length > 0 ? { contentPolicy: { filters } } : {}),
      invocationMetrics: assessment.invocationMetrics,
    },
  ];
  answer.action = intervened ? "GUARDRAIL_INTERVENED" : "NONE";
  if (!intervened) {
    answer.outputs = [];
    delete answer.actionReason;
  }
  // The id and version the request named are the path's; kept on the answer's headers for tests.
  return sendJson(ctx, 200, answer, { ...headers, "x-mock-guardrail": `${match[1]}/${match[2]}` });
}

const MODERATION_CATEGORIES: Record<string, string> = {
  S1: "violence",
  S2: "illicit",
  S4: "sexual/minors",
  S10: "hate",
  S11: "self-harm",
  S12: "sexual",
};

async function moderate(ctx: MockContext): Promise<void> {
  const input = (ctx.body as { input?: unknown }).input;
  const texts = typeof input === "string" ? [input] : Array.isArray(input) ? input : [];
  if (texts.length === 0 || texts.some((text) => typeof text !== "string")) {
    return sendJson(ctx, 400, pickError(openaiErrors, 400).body);
  }
  const answer = structuredClone(moderationFixture);
  const [template] = answer.results;
  if (!template) throw new Error("moderation.json has no result");
  answer.id = ctx.nextId("modr-mock");
  answer.model = typeof ctx.body.model === "string" ? ctx.body.model : answer.model;
  const results = [];
  for (const text of texts as string[]) {
    const found = markers(text);
    if (found.includes("unavailable")) return sendJson(ctx, 503, pickError(openaiErrors, 503).body);
    const result = structuredClone(template);
    for (const key of Object.keys(result.categories)) {
      result.categories[key] = found.some((code) => MODERATION_CATEGORIES[code] === key);
      result.category_scores[key] = result.categories[key] ? 0.91 : 0.0001;
    }
    result.flagged = Object.values(result.categories).some(Boolean);
    results.push(result);
  }
  answer.results = results;
  sendJson(ctx, 200, answer);
}

export const bedrockGuardrails: ProviderModule = {
  slug: "aws-bedrock-guardrails",
  routes: [{ pattern: /^\/guardrail\/([^/]+)\/version\/([^/]+)\/apply$/, handle: applyGuardrail }],
  isAuthorized: (ctx) => (ctx.req.headers.authorization ?? "").startsWith("AWS4-HMAC-SHA256"),
  errorResponse(status, ctx) {
    const entry = pickError(bedrockErrors, status);
    return { ...entry, headers: { ...entry.headers, "x-amzn-requestid": ctx.requestId } };
  },
};

export const openaiModeration: ProviderModule = {
  slug: "openai-moderation",
  routes: [{ pattern: /^\/v1\/moderations$/, handle: moderate }],
  isAuthorized: (ctx) => /^Bearer \S+/i.test(ctx.req.headers.authorization ?? ""),
  errorResponse: (status) => pickError(openaiErrors, status),
};
