export { clientAskedForUsage, isUsageChunk } from "./common/stream-usage.ts";
export { parseChatRequest } from "./openai/chat-schema.ts";
export type { ProviderTranslator, TranslatedRequest } from "./types.ts";
