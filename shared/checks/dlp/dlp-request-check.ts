import type { RequestCheck } from "../../pipeline/checks-stage.ts";
import { parseJsonBody, requestTexts, rewriteRequestTexts } from "../text/request-text.ts";
import type { CustomProfileDetectors } from "./custom-profile-detectors.ts";
import { requestBlocked } from "./dlp-errors.ts";
import { recordHits } from "./record-outcome.ts";
import { buildScanPlan, type DlpHit, redactRanges, scanText } from "./scan-plan.ts";

/**
 * DLP on the request (policies checking REQUEST): the text a provider would read is scanned once the
 * request is admitted. BLOCK refuses it (400, code 2029) before any call; REDACT replaces each match
 * before the provider, the cache key and the log see the body; FLAG only records. A body that is not JSON
 * (binary, multipart) is not scanned, as Cloudflare skips binary parts.
 */
export function createDlpRequestCheck(customProfiles?: CustomProfileDetectors): RequestCheck {
  return {
    name: "dlp",
    async check({ record, gateway }) {
      // Custom profiles are read here, once per request, for this check and the response's (the same record).
      const profiles = customProfiles
        ? await customProfiles.resolve(record.accountId, gateway.dlp, record)
        : undefined;
      const plan = buildScanPlan(gateway.dlp, "REQUEST", profiles);
      if (!plan) return;
      const body = parseJsonBody(record.requestBody);
      if (body === undefined) return;
      const hits: DlpHit[] = requestTexts(body).flatMap((found) => scanText(plan, found.text));
      if (hits.length === 0) return;
      recordHits(record, hits, "REQUEST");
      const blocked = hits.some((hit) => hit.entry.action === "BLOCK");
      const redacted = blocked || hits.some((hit) => hit.entry.action === "REDACT");
      if (redacted) {
        // Each string is scanned again on its own to redact it; a blocked body is redacted too, for the log.
        const redact = (text: string) => {
          const own = scanText(plan, text).filter((hit) => blocked || hit.entry.action === "REDACT");
          return redactRanges(text, own);
        };
        const rewritten = rewriteRequestTexts(body, redact);
        if (rewritten !== body) record.requestBody = new TextEncoder().encode(JSON.stringify(rewritten));
      }
      if (blocked) throw requestBlocked();
    },
  };
}
