import { hostLabel } from "../host-label.ts";
import type { UpstreamHost } from "../provider-definition.ts";

/** /google-vertex-ai/v1/projects/{p}/locations/{region}/... -> https://{region}-aiplatform.googleapis.com/v1/projects/... */
export function googleVertexAIHost(segments: string[], override: string | undefined): UpstreamHost {
  const locationIndex = segments.indexOf("locations");
  const region = hostLabel(
    locationIndex >= 0 ? segments[locationIndex + 1] : undefined,
    "Vertex AI location",
    "/v1/projects/{project}/locations/{region}/...",
  );
  const base =
    override ??
    (region === "global"
      ? "https://aiplatform.googleapis.com"
      : `https://${region}-aiplatform.googleapis.com`);
  return { base, rest: segments };
}
