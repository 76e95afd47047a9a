import type { RequestRecord } from "../../core/build-log-event.ts";
import { errorBody } from "../../http/error-response.ts";
import type { ResponseContext, ResponseTransform, WholeResponse } from "../../pipeline/checks-stage.ts";
import { isEventStreamContentType } from "../../providers/aws-bedrock/event-stream.ts";
import { responseTexts, rewriteResponseTexts } from "../text/response-text.ts";
import { isSseContentType } from "../text/sse-events.ts";
import type { StreamFormat } from "../text/stream-text.ts";
import { lookupFor } from "./custom-profile-detectors.ts";
import { responseBlocked } from "./dlp-errors.ts";
import { DLP_HEADER, existingDlpOutcome } from "./dlp-outcome.ts";
import { createEventStreamDlpTransformer } from "./event-stream-dlp.ts";
import type { DlpStreamCallbacks } from "./held-events.ts";
import { recordHits } from "./record-outcome.ts";
import { buildScanPlan, redactRanges, scanText } from "./scan-plan.ts";
import { createSseDlpStream } from "./sse-dlp-stream.ts";

/** The `cf-aig-dlp` header when DLP found something on this request so far (FLAG or REDACT; docs/dlp.md). */
function flagHeader(record: RequestRecord): Record<string, string> {
  const outcome = existingDlpOutcome(record);
  return outcome?.action ? { [DLP_HEADER]: outcome.headerValue() } : {};
}

/** Marks the response refused: not cached, and its row failed with the DLP error. */
function refuse(record: RequestRecord) {
  const error = responseBlocked();
  record.responseRefused = true;
  record.checkFields = { ...record.checkFields, error: { code: error.code, message: error.message } };
  return error;
}

/** What a streamed DLP check reports to: the row's DLP fields, and the refusal a BLOCK makes. */
function streamCallbacks(record: RequestRecord): DlpStreamCallbacks {
  return {
    onHits: (hits) => recordHits(record, hits, "RESPONSE"),
    blockedError: responseBlocked,
    onBlocked: () => refuse(record),
  };
}

/** The stream format the caller reads, when the dialect tells it (the events tell it otherwise). */
function formatHint(context: ResponseContext): StreamFormat | null {
  if (context.dialect === "anthropic") return "anthropic";
  if (context.dialect === "google") return "gemini";
  return null;
}

/**
 * DLP on the response (policies checking RESPONSE). A whole JSON body is scanned before its head: BLOCK
 * answers 400 with code 2030 in the caller's dialect, REDACT rewrites the text, FLAG and REDACT set
 * `cf-aig-dlp`. An SSE stream is scanned as it passes (sse-dlp-stream.ts), and so is an AWS event stream
 * (event-stream-dlp.ts). A cache hit is not scanned (it was when stored); NDJSON streams pass unscanned
 * (docs/dlp.md).
 */
export function createDlpResponseTransform(): ResponseTransform {
  return {
    name: "dlp",
    headers: (context) => flagHeader(context.record),
    // Only gateways with response policies, or a request that DLP already found something in (its header).
    appliesTo: (context) =>
      Boolean(existingDlpOutcome(context.record)?.action) ||
      (!context.cached &&
        Boolean(
          context.gateway && buildScanPlan(context.gateway.dlp, "RESPONSE", lookupFor(context.record)),
        )),
    stream(context) {
      const plan =
        context.cached || !context.gateway
          ? null
          : buildScanPlan(context.gateway.dlp, "RESPONSE", lookupFor(context.record));
      // Bedrock's binary event stream (converse-stream, invoke-with-response-stream): event-stream-dlp.ts.
      if (plan && isEventStreamContentType(context.contentType)) {
        return createEventStreamDlpTransformer(plan, streamCallbacks(context.record));
      }
      if (!plan || !isSseContentType(context.contentType)) return null;
      return createSseDlpStream(plan, streamCallbacks(context.record), formatHint(context));
    },
    whole(response, context): WholeResponse {
      const plan =
        context.cached || !context.gateway
          ? null
          : buildScanPlan(context.gateway.dlp, "RESPONSE", lookupFor(context.record));
      const { record } = context;
      const untouched = { ...response, headers: { ...response.headers, ...flagHeader(record) } };
      if (!plan) return untouched;
      let body: unknown;
      try {
        body = JSON.parse(new TextDecoder().decode(response.body));
      } catch {
        return untouched;
      }
      const hits = responseTexts(body).flatMap((found) => scanText(plan, found.text));
      if (hits.length === 0) return untouched;
      recordHits(record, hits, "RESPONSE");
      if (hits.some((hit) => hit.entry.action === "BLOCK")) {
        const error = refuse(record);
        const answer = errorBody(error, context.dialect ?? "openai");
        return { status: error.status, headers: {}, body: new TextEncoder().encode(JSON.stringify(answer)) };
      }
      const rewritten = rewriteResponseTexts(body, (text) =>
        redactRanges(
          text,
          scanText(plan, text).filter((hit) => hit.entry.action === "REDACT"),
        ),
      );
      const headers = { ...response.headers, ...flagHeader(record) };
      if (rewritten === body) return { ...response, headers };
      return { ...response, headers, body: new TextEncoder().encode(JSON.stringify(rewritten)) };
    },
  };
}
