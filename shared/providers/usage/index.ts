export { createUsageObserver } from "./create-usage-observer.ts";
export type { TokenUsage, UsageObserver } from "./types.ts";
