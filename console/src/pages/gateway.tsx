import { useEffect, useState } from "preact/hooks";
import { type Gateway, RETRY_BACKOFFS } from "../../../shared/schemas/gateway.ts";
import { ErrorMessage } from "../components/error-message.tsx";
import { CheckboxField, Fieldset, NumberField, SelectField } from "../components/fields.tsx";
import { GatewayTabs } from "../components/gateway-tabs.tsx";
import { useSession } from "../context.ts";
import { href } from "../router.ts";
import { useLoad } from "../use-api.ts";

/** The fields a PUT replaces (read-only ones such as created_at are left out). */
type Settings = Omit<Gateway, "id" | "created_at" | "modified_at" | "cache_generation">;

/** A gateway's settings, every one editable (edit scope), and its deletion with a confirmation. */
export function GatewayPage({ gatewayId }: { gatewayId: string }) {
  const { client, canEdit } = useSession();
  const path = `/gateways/${encodeURIComponent(gatewayId)}`;
  const loaded = useLoad(() => client.get<Gateway>(path), [client, path]);
  const [settings, setSettings] = useState<Settings | null>(null);
  const [spendLimits, setSpendLimits] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [confirmingDelete, setConfirmingDelete] = useState(false);

  useEffect(() => {
    const gateway = loaded.value?.result;
    if (!gateway) return;
    const { id: _id, created_at: _created, modified_at: _modified, ...rest } = gateway;
    setSettings(rest);
    setSpendLimits(JSON.stringify(gateway.spend_limits, null, 2));
  }, [loaded.value]);

  const set =
    <K extends keyof Settings>(key: K) =>
    (value: Settings[K]) => {
      setSaved(false);
      setSettings((current) => (current ? { ...current, [key]: value } : current));
    };

  const save = async (event: Event) => {
    event.preventDefault();
    if (!settings) return;
    try {
      const spend_limits = JSON.parse(spendLimits) as unknown;
      await client.call("PUT", path, { body: { ...settings, spend_limits } });
      setError(null);
      setSaved(true);
      await loaded.reload();
    } catch (failure) {
      setError(failure instanceof SyntaxError ? new Error(`Spend limits: ${failure.message}`) : failure);
    }
  };

  const remove = async () => {
    try {
      await client.call("DELETE", path);
      window.location.hash = href({ page: "gateways" });
    } catch (failure) {
      setError(failure);
    }
  };

  const disabled = !canEdit;
  return (
    <section>
      <GatewayTabs gatewayId={gatewayId} current="gateway" />
      <ErrorMessage error={loaded.error} />
      {settings ? (
        <form onSubmit={save} aria-label="Gateway settings" class="settings">
          <Fieldset legend="Access and logs">
            <CheckboxField
              id="authentication"
              label="Authentication (requests need a run token)"
              checked={settings.authentication}
              onChange={set("authentication")}
              disabled={disabled}
            />
            <CheckboxField
              id="collect_logs"
              label="Collect logs"
              checked={settings.collect_logs}
              onChange={set("collect_logs")}
              disabled={disabled}
            />
            <NumberField
              id="log_management"
              label="Logs kept at most"
              value={settings.log_management}
              onChange={set("log_management")}
              disabled={disabled}
              hint="10,000 to 10,000,000; empty: no limit"
            />
            <SelectField
              id="log_management_strategy"
              label="When the limit is reached"
              value={settings.log_management_strategy}
              options={["STOP_INSERTING", "DELETE_OLDEST"]}
              onChange={set("log_management_strategy") as (value: string | null) => void}
              disabled={disabled}
            />
          </Fieldset>
          <Fieldset legend="Cache">
            <NumberField
              id="cache_ttl"
              label="Cache TTL (seconds)"
              value={settings.cache_ttl}
              onChange={set("cache_ttl")}
              disabled={disabled}
              hint="0 or empty: off"
            />
            <CheckboxField
              id="cache_invalidate_on_update"
              label="Invalidate the cache when settings change"
              checked={settings.cache_invalidate_on_update}
              onChange={set("cache_invalidate_on_update")}
              disabled={disabled}
            />
          </Fieldset>
          <Fieldset legend="Rate limit">
            <NumberField
              id="rate_limiting_limit"
              label="Requests"
              value={settings.rate_limiting_limit}
              onChange={set("rate_limiting_limit")}
              disabled={disabled}
            />
            <NumberField
              id="rate_limiting_interval"
              label="Per (seconds)"
              value={settings.rate_limiting_interval}
              onChange={set("rate_limiting_interval")}
              disabled={disabled}
            />
            <SelectField
              id="rate_limiting_technique"
              label="Technique"
              value={settings.rate_limiting_technique}
              options={["fixed", "sliding"]}
              onChange={set("rate_limiting_technique") as (value: string | null) => void}
              disabled={disabled}
            />
            <CheckboxField
              id="rate_limiting_fail_closed"
              label="Refuse requests (503) when the rate-limit counters cannot be reached"
              checked={settings.rate_limiting_fail_closed === true}
              onChange={set("rate_limiting_fail_closed")}
              disabled={disabled}
            />
          </Fieldset>
          <Fieldset legend="Retries">
            <NumberField
              id="retry_max_attempts"
              label="Attempts (1-5)"
              value={settings.retry_max_attempts}
              onChange={set("retry_max_attempts")}
              disabled={disabled}
            />
            <NumberField
              id="retry_delay"
              label="Delay (ms)"
              value={settings.retry_delay}
              onChange={set("retry_delay")}
              disabled={disabled}
            />
            <SelectField
              id="retry_backoff"
              label="Backoff"
              value={settings.retry_backoff}
              options={RETRY_BACKOFFS}
              onChange={set("retry_backoff") as (value: string | null) => void}
              disabled={disabled}
            />
          </Fieldset>
          <Fieldset legend="Spend limits">
            <label for="spend_limits">Rules (JSON: enabled and rules, see docs/spend-limits.md)</label>
            <textarea
              id="spend_limits"
              rows={6}
              value={spendLimits}
              disabled={disabled}
              onInput={(event) => setSpendLimits((event.currentTarget as HTMLTextAreaElement).value)}
            />
          </Fieldset>
          <ErrorMessage error={error} />
          {saved ? <p role="status">Saved.</p> : null}
          {canEdit ? (
            <div class="actions">
              <button type="submit">Save settings</button>
              {confirmingDelete ? (
                <fieldset class="confirm">
                  <legend class="visually-hidden">Confirm deletion</legend>
                  Delete gateway {gatewayId}? Its logs are kept; its keys and routes are deleted.
                  <button type="button" class="danger" onClick={remove}>
                    Yes, delete
                  </button>
                  <button type="button" class="secondary" onClick={() => setConfirmingDelete(false)}>
                    Cancel
                  </button>
                </fieldset>
              ) : (
                <button type="button" class="danger" onClick={() => setConfirmingDelete(true)}>
                  Delete gateway
                </button>
              )}
            </div>
          ) : null}
        </form>
      ) : null}
    </section>
  );
}
