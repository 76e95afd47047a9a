/** A dynamic route's element (docs/dynamic-routes.md): a node and the elements its outputs lead to. */
export interface RouteElement {
  id: string;
  type: string;
  properties?: Record<string, unknown>;
  outputs: Record<string, { elementId: string }>;
}

export interface RouteItem {
  id: string;
  name: string;
  elements: RouteElement[];
  deployment: { deployment_id: string; version_id: string; created_at: string; comment: string | null };
}

export interface RouteVersion {
  version_id: string;
  active: "true" | "false";
  created_at: string;
  comment: string | null;
}

export interface RouteDeployment {
  deployment_id: string;
  version_id: string;
  created_at: string;
  comment: string | null;
}

/** A first route for the create form: start, one model with a fallback to the end, end. */
export const TEMPLATE_ELEMENTS: RouteElement[] = [
  { id: "start", type: "start", outputs: { next: { elementId: "model" } } },
  {
    id: "model",
    type: "model",
    properties: { provider: "openai", model: "gpt-4o-mini", retries: 1, timeout: 10000 },
    outputs: { success: { elementId: "end" }, fallback: { elementId: "end" } },
  },
  { id: "end", type: "end", outputs: {} },
];
