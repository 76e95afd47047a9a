/** The segment after `marker` in a provider-native path, or null (shared by the rows' `modelInPath`). */
export function segmentAfter(segments: string[], marker: string): string | null {
  const index = segments.indexOf(marker);
  return index >= 0 ? (segments[index + 1] ?? null) : null;
}

/** Gemini's `.../models/{model}:generateContent` (Google AI Studio and Vertex AI). */
export function geminiModelInPath(segments: string[]): string | null {
  return segmentAfter(segments, "models")?.split(":")[0] || null;
}
