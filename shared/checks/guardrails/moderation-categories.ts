import { GUARDRAIL_CATEGORIES, type GuardrailCategory } from "../../schemas/guardrails.ts";

/**
 * OpenAI's moderation categories (https://platform.openai.com/docs/api-reference/moderations/object) and
 * the Llama Guard category each is closest to. Gaps (docs/guardrails.md): OpenAI has nothing for S3, S5, S6,
 * S7, S8, S9, S13 or P1. A classifier of one's own fills them by naming our codes as its categories
 * (`"S6": true`), which are read as they are.
 */
const OPENAI_MODERATION_CATEGORIES: Record<string, GuardrailCategory> = {
  violence: "S1",
  "violence/graphic": "S1",
  "harassment/threatening": "S1",
  "illicit/violent": "S1",
  illicit: "S2",
  "sexual/minors": "S4",
  hate: "S10",
  "hate/threatening": "S10",
  harassment: "S10",
  "self-harm": "S11",
  "self-harm/intent": "S11",
  "self-harm/instructions": "S11",
  sexual: "S12",
};

const OUR_CODES = new Set<string>(GUARDRAIL_CATEGORIES);

/** The category a moderation result's category key reports; undefined for a key this table does not know. */
export function categoryOfModeration(key: string): GuardrailCategory | undefined {
  const upper = key.toUpperCase();
  if (OUR_CODES.has(upper)) return upper as GuardrailCategory;
  return OPENAI_MODERATION_CATEGORIES[key.toLowerCase()];
}
