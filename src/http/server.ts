import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ErrorCodes, StreamfoldError } from '../errors.js';
import { formatListenAddress, parseListenAddress } from './listen-address.js';
import type { HttpServer, HttpServerOptions, Route, RouteResponse } from './types.js';

const jsonType = 'application/json; charset=utf-8';
const readMethods = ['GET', 'HEAD'];

type Builtin = (options: HttpServerOptions, res: ServerResponse) => Promise<void>;

/** `/healthz` says only that the process serves requests: a restart would not fix Kafka. */
const builtins: Readonly<Record<string, Builtin>> = {
  '/metrics': async ({ scrape }, res) => {
    const { contentType, body } = await scrape();
    send(res, 200, contentType, body);
  },
  '/healthz': (_options, res) => {
    sendJson(res, 200, { status: 'ok' });
    return Promise.resolve();
  },
  '/readyz': ({ readiness }, res) => {
    let report;
    try {
      report = readiness();
    } catch {
      report = { ready: false, checks: { readiness: 'check failed' } };
    }
    sendJson(res, report.ready ? 200 : 503, { ready: report.ready, checks: report.checks });
    return Promise.resolve();
  },
};

/**
 * The worker's HTTP endpoint: `/metrics`, `/healthz`, `/readyz` and the query routes it is
 * given. It takes functions rather than the registry or the store, so this layer imports
 * neither prom-client nor Redis.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const wanted = parseListenAddress(options.address);
  // A sticky (g/y) pattern keeps `lastIndex` between requests and would match every other one.
  const routes = (options.routes ?? []).map((route) => ({
    ...route,
    pattern: new RegExp(route.pattern.source, route.pattern.flags.replace(/[gy]/g, '')),
  }));
  const server = createServer((req, res) => {
    dispatch(req, res, options, routes).catch((error: unknown) => {
      options.onError?.(error, { method: req.method ?? '', path: req.url ?? '' });
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });
  await listen(server, wanted.host, wanted.port);
  server.on('error', (error) => options.onError?.(error, { method: '', path: '' }));

  const bound = server.address() as AddressInfo;
  const address = formatListenAddress({ host: wanted.host, port: bound.port });
  return {
    address,
    host: wanted.host,
    port: bound.port,
    url: `http://${address}`,
    close: () => close(server),
  };
}

async function dispatch(
  req: IncomingMessage,
  res: ServerResponse,
  options: HttpServerOptions,
  routes: readonly Route[],
): Promise<void> {
  const method = req.method ?? 'GET';
  // Concatenated, not resolved against a base: `//metrics` must stay a path, not become a host.
  const url = URL.parse(`http://localhost${req.url ?? '/'}`);
  if (!url) return sendJson(res, 400, { error: 'bad request' });

  const builtin = builtins[url.pathname];
  if (builtin) {
    if (!readMethods.includes(method)) return methodNotAllowed(res, readMethods);
    return builtin(options, res);
  }

  const matches = routes.flatMap((route) => {
    const match = route.pattern.exec(url.pathname);
    return match ? [{ route, match }] : [];
  });
  if (matches.length === 0) return sendJson(res, 404, { error: 'not found' });
  const chosen = matches.find(({ route }) => allows(route.method, method));
  if (!chosen) return methodNotAllowed(res, allowed(matches.map(({ route }) => route.method)));

  let response: RouteResponse;
  try {
    response = await chosen.route.handler(chosen.match, url);
  } catch (error) {
    options.onError?.(error, { method, path: url.pathname });
    return sendJson(res, 500, { error: 'internal error' });
  }
  sendJson(res, response.status, response.body);
}

function allows(routeMethod: string, method: string): boolean {
  const declared = routeMethod.toUpperCase();
  return declared === method || (declared === 'GET' && method === 'HEAD');
}

function allowed(methods: readonly string[]): string[] {
  const upper = methods.map((m) => m.toUpperCase());
  if (upper.includes('GET')) upper.push('HEAD');
  return [...new Set(upper)];
}

function methodNotAllowed(res: ServerResponse, methods: readonly string[]): void {
  sendJson(res, 405, { error: 'method not allowed' }, { allow: methods.join(', ') });
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  send(res, status, jsonType, JSON.stringify(body), headers);
}

function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    // Health and metrics are live readings; a cached answer would hide an outage.
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(body);
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      const where = formatListenAddress({ host, port });
      reject(
        new StreamfoldError(ErrorCodes.HTTP_LISTEN, `cannot listen on ${where}: ${error.message}`, {
          cause: error,
        }),
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    // Idle keep-alive connections (a scraper's) would otherwise hold the close open.
    server.closeIdleConnections();
  });
}
