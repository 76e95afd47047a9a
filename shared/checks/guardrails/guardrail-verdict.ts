import type { GuardrailCategory, GuardrailPhaseLog, GuardrailPhaseRules } from "../../schemas/guardrails.ts";

/** The strongest action a scan's detections trigger under a phase's rules, and the categories that had a rule. */
export interface GuardrailVerdict {
  action: "NONE" | "FLAG" | "BLOCK";
  categories: GuardrailCategory[];
}

/** BLOCK when a detected category blocks, FLAG when one flags, else NONE; a category without a rule is ignored. */
export function judge(rules: GuardrailPhaseRules, detected: readonly GuardrailCategory[]): GuardrailVerdict {
  const categories = detected.filter((category) => rules[category] !== undefined).sort(byCode);
  const action = categories.some((category) => rules[category] === "BLOCK")
    ? "BLOCK"
    : categories.length > 0
      ? "FLAG"
      : "NONE";
  return { action, categories };
}

/** Adds a scan's verdict to what the phase has logged so far (a stream is scanned several times). */
export function mergeIntoLog(
  logged: GuardrailPhaseLog | undefined,
  scanner: string,
  verdict: GuardrailVerdict | "unavailable",
): GuardrailPhaseLog {
  const base: GuardrailPhaseLog = logged ?? {
    action: "NONE",
    categories: [],
    scanner,
    scanner_unavailable: false,
    evaluations: 0,
  };
  if (verdict === "unavailable")
    return { ...base, scanner_unavailable: true, evaluations: base.evaluations + 1 };
  const categories = [...new Set([...base.categories, ...verdict.categories])].sort(byCode);
  return {
    ...base,
    action: stronger(base.action, verdict.action),
    categories,
    evaluations: base.evaluations + 1,
  };
}

const RANK = { NONE: 0, FLAG: 1, BLOCK: 2 } as const;

function stronger(a: GuardrailVerdict["action"], b: GuardrailVerdict["action"]): GuardrailVerdict["action"] {
  return RANK[a] >= RANK[b] ? a : b;
}

/** S1, S2, ..., S13, P1: the order reference 8.3 lists them in. */
function byCode(a: string, b: string): number {
  const rank = (code: string) => (code.startsWith("P") ? 100 : 0) + Number(code.slice(1));
  return rank(a) - rank(b);
}
