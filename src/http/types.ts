/** The exposition text `/metrics` serves; the metrics layer produces it. */
export interface MetricsScrape {
  readonly contentType: string;
  readonly body: string;
}

/** What `/readyz` reports: each check is `true`, or a short reason it is not ready. */
export interface Readiness {
  readonly ready: boolean;
  readonly checks: Readonly<Record<string, boolean | string>>;
}

/** A route's answer, sent as JSON. */
export interface RouteResponse {
  readonly status: number;
  readonly body: unknown;
}

/**
 * An extra endpoint (queries such as `/orders/:id`). `pattern` is matched against the path
 * alone, without the query string, and should be anchored (`^…$`).
 */
export interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  handler(match: RegExpExecArray, url: URL): Promise<RouteResponse>;
}

export interface HttpServerOptions {
  /** `host:port` (`[::1]:9464` for IPv6); port 0 picks a free port. */
  readonly address: string;
  readonly scrape: () => Promise<MetricsScrape>;
  readonly readiness: () => Readiness;
  readonly routes?: readonly Route[];
  /** Told about failures the client only sees as a 500; defaults to staying silent. */
  readonly onError?: (error: unknown, context: { method: string; path: string }) => void;
}

export interface HttpServer {
  /** The bound `host:port`, with the real port when 0 was asked for. */
  readonly address: string;
  readonly host: string;
  readonly port: number;
  /** `http://<address>`, for clients and log lines. */
  readonly url: string;
  /** Stops listening and closes open (keep-alive) connections. */
  close(): Promise<void>;
}
