/** The logs page's filter form, as plain strings (what the inputs hold). */
export interface FilterForm {
  search: string;
  provider: string;
  model: string;
  statusCode: string;
  success: "" | "true" | "false";
  cached: "" | "true" | "false";
  feedback: "" | "1" | "-1" | "0";
  eventId: string;
  metadataKey: string;
  metadataValue: string;
  minCost: string;
  maxCost: string;
  minTokens: string;
  maxTokens: string;
  minDuration: string;
  maxDuration: string;
  from: string;
  to: string;
}

export const EMPTY_FILTERS: FilterForm = {
  search: "",
  provider: "",
  model: "",
  statusCode: "",
  success: "",
  cached: "",
  feedback: "",
  eventId: "",
  metadataKey: "",
  metadataValue: "",
  minCost: "",
  maxCost: "",
  minTokens: "",
  maxTokens: "",
  minDuration: "",
  maxDuration: "",
  from: "",
  to: "",
};

interface Filter {
  key: string;
  operator: "eq" | "lt" | "gt";
  value: (string | number | boolean)[];
}

/**
 * The form as the logs API's filter list (docs/logging.md), sent as one JSON `filters` parameter, the
 * form the API reads for curl. The same list selects for the listing and for the delete, so the count
 * shown before a delete is the count the delete removes.
 */
export function filtersOf(form: FilterForm): Filter[] {
  const filters: Filter[] = [];
  const text = (key: string, value: string) => {
    if (value.trim()) filters.push({ key, operator: "eq", value: [value.trim()] });
  };
  const number = (key: string, operator: "eq" | "lt" | "gt", value: string) => {
    if (value.trim() && Number.isFinite(Number(value)))
      filters.push({ key, operator, value: [Number(value)] });
  };
  const time = (operator: "lt" | "gt", value: string) => {
    if (value) filters.push({ key: "created_at", operator, value: [new Date(value).toISOString()] });
  };
  text("provider", form.provider);
  text("model", form.model);
  number("status_code", "eq", form.statusCode);
  if (form.success) filters.push({ key: "success", operator: "eq", value: [form.success === "true"] });
  if (form.cached) filters.push({ key: "cached", operator: "eq", value: [form.cached === "true"] });
  number("feedback", "eq", form.feedback);
  text("event_id", form.eventId);
  text("metadata.key", form.metadataKey);
  text("metadata.value", form.metadataValue);
  // lt and gt are strict: the form labels them "more than" and "less than".
  number("cost", "gt", form.minCost);
  number("cost", "lt", form.maxCost);
  number("tokens", "gt", form.minTokens);
  number("tokens", "lt", form.maxTokens);
  number("duration", "gt", form.minDuration);
  number("duration", "lt", form.maxDuration);
  time("gt", form.from);
  time("lt", form.to);
  return filters;
}

/** The query of a listing (or, without search and paging, of a delete) for the form. */
export function filterQuery(form: FilterForm): Record<string, string> {
  const filters = filtersOf(form);
  return filters.length > 0 ? { filters: JSON.stringify(filters) } : {};
}
