import type { GuardrailCategory, GuardrailPhase } from "../../schemas/guardrails.ts";

/** What a scanner found in a text: the categories it detected (empty: nothing). */
export interface GuardrailScan {
  detected: GuardrailCategory[];
}

/**
 * A scanner that tells which of Cloudflare's categories a text falls in. Two are built: Amazon Bedrock
 * Guardrails (bedrock-evaluator.ts) and an OpenAI-compatible moderation endpoint (moderation-evaluator.ts).
 * A scanner that cannot answer throws ScannerUnavailableError; the rules then decide (guardrail-verdict.ts).
 */
export interface GuardrailEvaluator {
  /** Named in the log (`guardrails.*.scanner`). */
  readonly name: string;
  evaluate(text: string, phase: GuardrailPhase, signal?: AbortSignal): Promise<GuardrailScan>;
}

/** The scanner did not answer (an error, a timeout, an answer it could not read). */
export class ScannerUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ScannerUnavailableError";
  }
}

/** Characters each piece repeats from the end of the one before, so a phrase cut at a piece's edge is seen whole. */
const PIECE_OVERLAP = 200;

/**
 * Cuts a long text into pieces a scanner takes in one call, each evaluated on its own (as Cloudflare chunks
 * long content, reference 8.3); the detections are their union.
 */
export function textPieces(text: string, maxChars: number): string[] {
  if (text.length <= maxChars) return [text];
  const pieces: string[] = [];
  const step = maxChars - PIECE_OVERLAP;
  for (let start = 0; start + PIECE_OVERLAP < text.length; start += step) {
    pieces.push(text.slice(start, start + maxChars));
  }
  return pieces;
}

/** Runs one call per piece and unites what they found; the first failure fails the scan. */
export async function scanPieces(
  text: string,
  maxChars: number,
  scanOne: (piece: string) => Promise<GuardrailCategory[]>,
): Promise<GuardrailScan> {
  const found = await Promise.all(textPieces(text, maxChars).map(scanOne));
  return { detected: [...new Set(found.flat())] };
}
