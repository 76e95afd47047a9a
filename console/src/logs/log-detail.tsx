import { useEffect, useRef, useState } from "preact/hooks";
import { ErrorMessage } from "../components/error-message.tsx";
import { useSession } from "../context.ts";
import { useLoad } from "../use-api.ts";
import { LogBody } from "./log-body.tsx";
import { formatCost, type LogRecord } from "./log-record.ts";

/** One log: its figures, timings, retry step, bodies, and its feedback (editable with the edit scope). */
export function LogDetail({
  gatewayId,
  logId,
  close,
}: {
  gatewayId: string;
  logId: string;
  close: () => void;
}) {
  const { client, canEdit } = useSession();
  const path = `/gateways/${encodeURIComponent(gatewayId)}/logs/${encodeURIComponent(logId)}`;
  const log = useLoad(() => client.get<LogRecord>(path), [client, path]);
  const request = useLoad(() => client.get<unknown>(`${path}/request`), [client, path]);
  const response = useLoad(() => client.get<unknown>(`${path}/response`), [client, path]);
  const [error, setError] = useState<unknown>(null);
  const record = log.value?.result;
  // Keyboard and screen reader users land on the detail they opened.
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  const patch = async (body: { feedback?: number | null; score?: number | null }) => {
    try {
      await client.call("PATCH", path, { body });
      setError(null);
      await log.reload();
    } catch (failure) {
      setError(failure);
    }
  };

  return (
    <section class="log-detail" aria-label="Log detail">
      <div class="detail-head">
        <h2 ref={heading} tabIndex={-1}>
          Log {logId}
        </h2>
        <button type="button" class="secondary" onClick={close}>
          Close
        </button>
      </div>
      <ErrorMessage error={log.error} />
      {record ? (
        <>
          <dl class="facts">
            <Fact term="Created" value={new Date(record.created_at).toLocaleString()} />
            <Fact term="Provider / model" value={`${record.provider ?? "?"} / ${record.model ?? "?"}`} />
            <Fact term="Request" value={`${record.method} ${record.path}`} />
            <Fact term="Status" value={`${record.status_code}${record.success ? "" : " (failed)"}`} />
            <Fact term="Cached" value={record.cached ? "yes" : "no"} />
            <Fact term="Tokens in / out" value={`${record.tokens_in ?? "–"} / ${record.tokens_out ?? "–"}`} />
            <Fact
              term="Prompt cache read / write"
              value={`${record.cache_read_tokens ?? "–"} / ${record.cache_write_tokens ?? "–"}`}
            />
            <Fact term="Cost" value={formatCost(record.cost) || "unknown"} />
            <Fact term="Duration" value={`${record.duration} ms`} />
            <Fact term="Time to first byte" value={ms(record.time_to_first_byte)} />
            <Fact term="Provider wait" value={ms(record.provider_wait)} />
            <Fact term="Gateway overhead" value={ms(record.gateway_overhead)} />
            <Fact term="Attempt" value={record.attempt ? String(record.attempt) : "1"} />
            {record.step !== undefined ? <Fact term="Fallback step" value={String(record.step)} /> : null}
            {record.route_name ? (
              <Fact term="Dynamic route" value={`${record.route_name} (${record.route_element_id ?? ""})`} />
            ) : null}
            <Fact term="Event id" value={record.event_id} />
            <Fact term="Metadata" value={record.metadata ? JSON.stringify(record.metadata) : "–"} />
            {record.error ? (
              <Fact term="Gateway error" value={`${record.error.code}: ${record.error.message}`} />
            ) : null}
          </dl>
          <Feedback record={record} canEdit={canEdit} patch={patch} />
          <ErrorMessage error={error} />
        </>
      ) : null}
      <ErrorMessage error={request.error ?? response.error} />
      {request.value ? <LogBody title="Request body" body={request.value.result} /> : null}
      {response.value ? <LogBody title="Response body" body={response.value.result} /> : null}
    </section>
  );
}

function ms(value: number | null | undefined): string {
  return value === null || value === undefined ? "–" : `${value} ms`;
}

function Fact({ term, value }: { term: string; value: string }) {
  return (
    <>
      <dt>{term}</dt>
      <dd>{value}</dd>
    </>
  );
}

function Feedback(props: {
  record: LogRecord;
  canEdit: boolean;
  patch: (body: { feedback?: number | null; score?: number | null }) => Promise<void>;
}) {
  const { record, canEdit, patch } = props;
  const [score, setScore] = useState(
    record.score === null || record.score === undefined ? "" : String(record.score),
  );
  const thumb = (value: 1 | -1, label: string) => (
    <button
      type="button"
      class="secondary"
      aria-pressed={record.feedback === value}
      disabled={!canEdit}
      onClick={() => patch({ feedback: record.feedback === value ? null : value })}
    >
      {label}
    </button>
  );
  return (
    <fieldset class="feedback">
      <legend>Feedback</legend>
      {thumb(1, "Thumbs up")}
      {thumb(-1, "Thumbs down")}
      <label for="score">Score (0-100)</label>
      <input
        id="score"
        type="number"
        min={0}
        max={100}
        value={score}
        disabled={!canEdit}
        onInput={(event) => setScore((event.currentTarget as HTMLInputElement).value)}
      />
      {canEdit ? (
        <button type="button" onClick={() => patch({ score: score === "" ? null : Number(score) })}>
          Save score
        </button>
      ) : null}
    </fieldset>
  );
}
