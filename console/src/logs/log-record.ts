/** A log as the logs API lists it (docs/logging.md, "The record"); only what the console shows. */
export interface LogRecord {
  id: string;
  created_at: string;
  provider: string | null;
  model: string | null;
  path: string;
  method: string;
  status_code: number;
  success: boolean;
  cached: boolean;
  duration: number;
  time_to_first_byte: number | null;
  provider_wait?: number | null;
  gateway_overhead?: number | null;
  cost?: number | null;
  tokens_in: number | null;
  tokens_out: number | null;
  cache_read_tokens?: number | null;
  cache_write_tokens?: number | null;
  metadata: Record<string, unknown> | null;
  event_id: string;
  request_size: number;
  response_size: number;
  client_aborted: boolean;
  error: { code: number; message: string } | null;
  attempt?: number;
  step?: number;
  route_name?: string;
  route_element_id?: string;
  feedback?: number | null;
  score?: number | null;
}

export function formatCost(cost: number | null | undefined): string {
  return cost === null || cost === undefined ? "" : `$${cost.toFixed(6)}`;
}
