export { startHttpServer } from './server.js';
export { formatListenAddress, parseListenAddress, type ListenAddress } from './listen-address.js';
export type {
  HttpServer,
  HttpServerOptions,
  MetricsScrape,
  Readiness,
  Route,
  RouteResponse,
} from './types.js';
