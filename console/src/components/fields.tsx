import type { ComponentChildren } from "preact";

/** A labelled number input whose empty value means null (the API's "not set"). */
export function NumberField(props: {
  id: string;
  label: string;
  value: number | null;
  onChange: (value: number | null) => void;
  disabled: boolean;
  hint?: string;
}) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        type="number"
        value={props.value ?? ""}
        disabled={props.disabled}
        onInput={(event) => {
          const text = (event.currentTarget as HTMLInputElement).value;
          props.onChange(text === "" ? null : Number(text));
        }}
      />
      {props.hint ? <small>{props.hint}</small> : null}
    </div>
  );
}

export function CheckboxField(props: {
  id: string;
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  disabled: boolean;
}) {
  return (
    <div class="field checkbox">
      <input
        id={props.id}
        type="checkbox"
        checked={props.checked}
        disabled={props.disabled}
        onChange={(event) => props.onChange((event.currentTarget as HTMLInputElement).checked)}
      />
      <label for={props.id}>{props.label}</label>
    </div>
  );
}

/** A labelled select; the empty option stands for null. */
export function SelectField(props: {
  id: string;
  label: string;
  value: string | null;
  options: readonly string[];
  onChange: (value: string | null) => void;
  disabled: boolean;
  allowNone?: boolean;
}) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <select
        id={props.id}
        value={props.value ?? ""}
        disabled={props.disabled}
        onChange={(event) => {
          const text = (event.currentTarget as HTMLSelectElement).value;
          props.onChange(text === "" ? null : text);
        }}
      >
        {props.allowNone === false ? null : <option value="">(none)</option>}
        {props.options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    </div>
  );
}

export function Fieldset({ legend, children }: { legend: string; children: ComponentChildren }) {
  return (
    <fieldset>
      <legend>{legend}</legend>
      {children}
    </fieldset>
  );
}
