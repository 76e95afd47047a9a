import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GatewayError } from "../../../../shared/core/gateway-error.ts";
import { parseChatRequest } from "../../../../shared/translation/openai/chat-schema.ts";
import type { OpenAIChatChunk, ProviderTranslator } from "../../../../shared/translation/types.ts";

export const FIXTURES = join(import.meta.dirname, "../../../fixtures/translation");

interface Fixture {
  description: string;
  [key: string]: unknown;
}

export function loadFixtures(provider: string): Array<[string, Fixture]> {
  const folder = join(FIXTURES, provider);
  return readdirSync(folder)
    .filter((name) => name.endsWith(".json"))
    .sort()
    .map((name) => [name, JSON.parse(readFileSync(join(folder, name), "utf8")) as Fixture]);
}

export function runStream(translator: ProviderTranslator, fixture: Fixture): OpenAIChatChunk[] {
  const stream = translator.createStreamTranslator(
    fixture.model as string,
    fixture.id as string,
    fixture.created as number,
  );
  return [...(fixture.events as unknown[]).flatMap((event) => stream.push(event)), ...stream.finish()];
}

/**
 * Replays every fixture of a provider folder by its file-name prefix:
 * request-* (canonical request -> exact provider request), refuse-* (-> 400 naming the parameter),
 * response-* (provider body -> canonical completion), stream-* (provider events -> canonical chunks),
 * error-* (provider error -> status, message, type).
 */
export function describeFixtures(provider: string, translator: ProviderTranslator): void {
  describe(`${provider} fixtures`, () => {
    for (const [name, fixture] of loadFixtures(provider)) {
      const title = `${name}: ${fixture.description}`;
      if (name.startsWith("request-")) {
        it(title, () => {
          const request = parseChatRequest(fixture.request);
          expect(translator.toProviderRequest(request, fixture.model as string)).toEqual(fixture.expected);
        });
      } else if (name.startsWith("refuse-")) {
        it(title, () => {
          const attempt = () => translator.toProviderRequest(parseChatRequest(fixture.request), "model-x");
          expect(attempt).toThrow(GatewayError);
          expect(attempt).toThrow(fixture.expectedMessage as string);
        });
      } else if (name.startsWith("response-")) {
        it(title, () => {
          const context = fixture.context as { id?: string; created?: number };
          expect(translator.fromProviderResponse(fixture.response, fixture.model as string, context)).toEqual(
            fixture.expected,
          );
        });
      } else if (name.startsWith("stream-")) {
        it(title, () => {
          expect(runStream(translator, fixture)).toEqual(fixture.expected);
        });
      } else if (name.startsWith("error-")) {
        it(title, () => {
          expect(translator.errorFromProvider(fixture.status as number, fixture.body)).toEqual(
            fixture.expected,
          );
        });
      }
    }
  });
}
