import { z } from "zod";
import { GatewayError } from "../core/gateway-error.ts";

/**
 * The gateway's `otel` setting in Cloudflare's shape (reference 8.7; the `cloudflare` SDK's `Otel`): OTLP/HTTP
 * exporters that receive a span per request, sent by the log-writer (docs/observability.md).
 *
 * Header values usually carry a collector's API key, so they are secrets: the management API never returns
 * them (`redactOtelHeaders`), and a PUT that sends back the placeholder it showed keeps the stored value
 * (`mergeOtelExporters`), so a get-edit-put round trip (Terraform, the SDK) does not erase them. Cloudflare's
 * `authorization` names a Secrets Store secret, which this gateway does not have: it is refused with the
 * way round it (an `authorization` header).
 */

/** Shown in place of every header value the management API returns. */
export const REDACTED_HEADER_VALUE = "[redacted]";

/** HTTP header names (RFC 9110 tokens); values are single-line text. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]{0,4096}$/;

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "https:" || url.protocol === "http:") && !url.username && !url.password;
  } catch {
    return false;
  }
}

const otelExporterSchema = z.strictObject({
  url: z
    .string()
    .max(2048)
    .refine(
      isHttpUrl,
      "must be an http(s) URL without credentials, such as https://otlp.example.com/v1/traces",
    ),
  headers: z
    .record(
      z.string(),
      z.string().regex(HEADER_VALUE, "must be a header value on one line, at most 4096 characters"),
    )
    .superRefine((headers, context) => {
      const names = Object.keys(headers);
      if (names.length > 20) context.addIssue({ code: "custom", message: "at most 20 headers" });
      for (const name of names.filter((candidate) => !HEADER_NAME.test(candidate)))
        context.addIssue({ code: "custom", path: [name], message: "must be an HTTP header name" });
    }),
  authorization: z
    .never({
      error:
        "Secrets Store references are not built in this gateway: send the credential as a header (headers.authorization)",
    })
    .optional(),
  /** OTLP/HTTP's encoding: JSON (Cloudflare's default) or protobuf. */
  content_type: z.enum(["json", "protobuf"]).optional(),
});

/** What a client sends: up to 5 exporters (Cloudflare documents no limit; each costs a call per batch). */
export const otelExportersInputSchema = z.array(otelExporterSchema).max(5);

/** As stored: the input's shape, values as sent. */
export const storedOtelExportersSchema = z.array(
  z.object({
    url: z.string(),
    headers: z.record(z.string(), z.string()),
    content_type: z.enum(["json", "protobuf"]).optional(),
  }),
);

export type OtelExporter = z.infer<typeof storedOtelExportersSchema>[number];

/** The exporters as the management API shows them: every header value replaced by the placeholder. */
export function redactOtelHeaders(
  exporters: OtelExporter[] | null | undefined,
): OtelExporter[] | null | undefined {
  return exporters?.map((exporter) => ({
    ...exporter,
    headers: Object.fromEntries(Object.keys(exporter.headers).map((name) => [name, REDACTED_HEADER_VALUE])),
  }));
}

/**
 * The exporters to store after a create or PUT: those sent (null clears them), else those stored. A header
 * sent back as the placeholder keeps the value stored for the same URL and header name; a placeholder with
 * nothing stored behind it is refused (400).
 */
export function mergeOtelExporters(
  sent: OtelExporter[] | null | undefined,
  stored: OtelExporter[] | null | undefined,
): OtelExporter[] | null | undefined {
  if (sent === undefined) return stored;
  if (sent === null) return null;
  return sent.map((exporter) => {
    const previous = stored?.find((candidate) => candidate.url === exporter.url);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(exporter.headers)) {
      if (value !== REDACTED_HEADER_VALUE) headers[name] = value;
      else {
        const kept = Object.entries(previous?.headers ?? {}).find(
          ([storedName]) => storedName.toLowerCase() === name.toLowerCase(),
        );
        if (!kept)
          throw GatewayError.badRequest(
            `otel: header "${name}" of ${exporter.url} is "${REDACTED_HEADER_VALUE}" but no value is stored for it; send the value`,
          );
        headers[name] = kept[1];
      }
    }
    return { ...exporter, headers };
  });
}
