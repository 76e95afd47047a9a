import { parseEventStream, reassembleText } from "./stream-text.ts";

/** A logged body: JSON pretty-printed; a stream as its reassembled text and as its events. */
export function LogBody({ title, body }: { title: string; body: unknown }) {
  if (body === null || body === undefined) {
    return (
      <section class="body">
        <h3>{title}</h3>
        <p class="hint">No body was stored.</p>
      </section>
    );
  }
  const events = typeof body === "string" ? parseEventStream(body) : null;
  return (
    <section class="body">
      <h3>{title}</h3>
      {events ? (
        <>
          <h4>Reassembled text</h4>
          <pre class="reassembled">{reassembleText(events) || "(no text deltas)"}</pre>
          <details>
            <summary>{events.length} events</summary>
            <pre>
              {events.map(
                (event) => `${event.event ? `event: ${event.event}\n` : ""}data: ${event.data}\n\n`,
              )}
            </pre>
          </details>
        </>
      ) : (
        <pre>{typeof body === "string" ? body : JSON.stringify(body, null, 2)}</pre>
      )}
    </section>
  );
}
