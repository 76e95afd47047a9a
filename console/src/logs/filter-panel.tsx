import { useState } from "preact/hooks";
import type { FilterForm } from "./log-filters.ts";

type TextKey = Exclude<keyof FilterForm, "success" | "cached" | "feedback">;

const TEXT_FIELDS: { key: TextKey; label: string; type?: "number" | "datetime-local" }[] = [
  { key: "search", label: "Search (id, model, provider, path, event id)" },
  { key: "provider", label: "Provider" },
  { key: "model", label: "Model" },
  { key: "statusCode", label: "Status code", type: "number" },
  { key: "eventId", label: "Event id" },
  { key: "metadataKey", label: "Metadata key" },
  { key: "metadataValue", label: "Metadata value" },
  { key: "minCost", label: "Cost more than (USD)", type: "number" },
  { key: "maxCost", label: "Cost less than (USD)", type: "number" },
  { key: "minTokens", label: "Tokens more than", type: "number" },
  { key: "maxTokens", label: "Tokens less than", type: "number" },
  { key: "minDuration", label: "Duration more than (ms)", type: "number" },
  { key: "maxDuration", label: "Duration less than (ms)", type: "number" },
  { key: "from", label: "After", type: "datetime-local" },
  { key: "to", label: "Before", type: "datetime-local" },
];

const CHOICES: { key: "success" | "cached" | "feedback"; label: string; options: [string, string][] }[] = [
  {
    key: "success",
    label: "Status",
    options: [
      ["", "any"],
      ["true", "success"],
      ["false", "error"],
    ],
  },
  {
    key: "cached",
    label: "Cached",
    options: [
      ["", "any"],
      ["true", "cached"],
      ["false", "not cached"],
    ],
  },
  {
    key: "feedback",
    label: "Feedback",
    options: [
      ["", "any"],
      ["1", "thumbs up"],
      ["-1", "thumbs down"],
      ["0", "neutral"],
    ],
  },
];

/**
 * Every filter of the logs API, as a form; applied on submit. The inputs edit a draft, so the list
 * refreshing underneath never resets what is being typed; the caller keys the panel by the applied form.
 */
export function FilterPanel(props: {
  form: FilterForm;
  apply: (form: FilterForm) => void;
  clear: () => void;
}) {
  const [draft, setDraft] = useState(props.form);
  const edit = (key: keyof FilterForm) => (event: Event) => {
    const value = (event.currentTarget as HTMLInputElement | HTMLSelectElement).value;
    setDraft((current) => ({ ...current, [key]: value }));
  };
  const submit = (event: Event) => {
    event.preventDefault();
    props.apply(draft);
  };
  return (
    <details class="filters">
      <summary>Filters</summary>
      <form onSubmit={submit} aria-label="Log filters" class="filter-grid">
        {TEXT_FIELDS.map((field) => (
          <div class="field" key={field.key}>
            <label for={`filter-${field.key}`}>{field.label}</label>
            <input
              id={`filter-${field.key}`}
              name={field.key}
              // Preact types each input type's attributes apart; these three share the ones used here.
              type={(field.type ?? "text") as "text"}
              step={field.type === "number" ? "any" : undefined}
              value={draft[field.key]}
              onInput={edit(field.key)}
            />
          </div>
        ))}
        {CHOICES.map((choice) => (
          <div class="field" key={choice.key}>
            <label for={`filter-${choice.key}`}>{choice.label}</label>
            <select
              id={`filter-${choice.key}`}
              name={choice.key}
              value={draft[choice.key]}
              onChange={edit(choice.key)}
            >
              {choice.options.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </div>
        ))}
        <div class="actions">
          <button type="submit">Apply filters</button>
          <button type="button" class="secondary" onClick={props.clear}>
            Clear
          </button>
        </div>
      </form>
    </details>
  );
}
