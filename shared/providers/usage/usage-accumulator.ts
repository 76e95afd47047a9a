import type { TokenUsage, UsagePatch } from "./types.ts";

type Field = "totalInput" | "uncachedInput" | "output" | "cacheRead" | "cacheWrite";
const FIELDS: readonly Field[] = ["totalInput", "uncachedInput", "output", "cacheRead", "cacheWrite"];

export function emptyUsage(): TokenUsage {
  return { tokensIn: null, tokensOut: null, cacheReadTokens: null, cacheWriteTokens: null, model: null };
}

/** Merges the usage patches of one response in arrival order (see `UsagePatch`) and normalises them. */
export class UsageAccumulator {
  private readonly counts: Record<Field, number | null> = {
    totalInput: null,
    uncachedInput: null,
    output: null,
    cacheRead: null,
    cacheWrite: null,
  };
  private model: string | null = null;

  apply(patch: UsagePatch): void {
    for (const field of FIELDS) {
      const value = patch[field];
      if (value === undefined) continue;
      if (patch.fallback === true && this.counts[field] !== null) continue;
      this.counts[field] = value;
    }
    if (patch.model !== undefined && !(patch.fallback === true && this.model !== null))
      this.model = patch.model;
  }

  /**
   * tokensIn is the provider's inclusive input when it reports one; otherwise the exclusive input plus the
   * cache reads and writes (which the provider counted outside it).
   */
  result(): TokenUsage {
    const { totalInput, uncachedInput, output, cacheRead, cacheWrite } = this.counts;
    const tokensIn =
      totalInput ?? (uncachedInput === null ? null : uncachedInput + (cacheRead ?? 0) + (cacheWrite ?? 0));
    return {
      tokensIn,
      tokensOut: output,
      cacheReadTokens: cacheRead,
      cacheWriteTokens: cacheWrite,
      model: this.model,
    };
  }
}

/** True when a patch carries at least one token count (not just a model name). */
export function hasCounts(patch: UsagePatch): boolean {
  return FIELDS.some((field) => patch[field] !== undefined);
}
