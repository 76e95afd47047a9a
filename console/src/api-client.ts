/** An error of the management API, in words: its status and the messages of Cloudflare's envelope. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface Envelope<T> {
  success: boolean;
  errors: { code: number; message: string }[];
  result: T;
  result_info?: { page: number; per_page: number; count: number; total_count: number; total_pages: number };
}

type Query = Record<string, string | number | undefined>;

/**
 * The management API, at the console's own origin. The console is served at the API's base URL
 * (`/` under npm start, `/prod/` on AWS), so the base is the directory of the page's own location and
 * every path is relative to it: the stage prefix needs no configuration.
 */
export class ApiClient {
  readonly base: string;

  constructor(
    private readonly token: string,
    readonly accountId: string,
    location: { href: string } = window.location,
  ) {
    this.base = new URL(".", location.href).href;
  }

  /** `/gateways/...` below `/client/v4/accounts/{account}/ai-gateway`. */
  url(path: string, query: Query = {}): string {
    const url = new URL(
      `client/v4/accounts/${encodeURIComponent(this.accountId)}/ai-gateway${path}`,
      this.base,
    );
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined && value !== "") url.searchParams.set(name, String(value));
    }
    return url.href;
  }

  async call<T>(method: string, path: string, options: { query?: Query; body?: unknown } = {}) {
    let response: Response;
    try {
      response = await fetch(this.url(path, options.query), {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(options.body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: options.body === undefined ? null : JSON.stringify(options.body),
      });
    } catch {
      throw new ApiError(0, "The gateway could not be reached. Is it running?");
    }
    const text = await response.text();
    let envelope: Envelope<T> | undefined;
    try {
      envelope = JSON.parse(text) as Envelope<T>;
    } catch {
      // A body that is not JSON (a proxy's error page); its status still says something.
    }
    if (!response.ok || !envelope || envelope.success === false) {
      throw new ApiError(response.status, describeFailure(response.status, envelope));
    }
    return envelope;
  }

  get<T>(path: string, query?: Query): Promise<Envelope<T>> {
    return this.call<T>("GET", path, query ? { query } : {});
  }
}

function describeFailure(status: number, envelope: Envelope<unknown> | undefined): string {
  const messages = envelope?.errors?.map((error) => error.message).filter(Boolean) ?? [];
  const detail = messages.length > 0 ? messages.join("; ") : `HTTP ${status}`;
  if (status === 401) return `The token was not accepted (${detail}).`;
  if (status === 403) return `The token may not do this (${detail}).`;
  return `The gateway answered ${status}: ${detail}`;
}
