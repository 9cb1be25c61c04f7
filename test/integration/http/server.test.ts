import { spawnSync } from 'node:child_process';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  startHttpServer,
  type HttpServer,
  type Readiness,
  type Route,
} from '../../../src/http/index.js';
import { createMetrics, type Metrics } from '../../../src/metrics/index.js';

// A real server on a free loopback port, a real registry behind /metrics, and the real
// promtool linting what a scrape returns.

/** prom-client's own gauges that promtool rejects for their `_total` suffix (known upstream). */
const promClientMisnamed = /^(# (HELP|TYPE) )?nodejs_active_(handles|requests|resources)_total\b/;

function lint(exposition: string): { status: number | null; output: string } {
  const run = spawnSync('promtool', ['check', 'metrics'], {
    input: exposition,
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (run.error) throw run.error;
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

let metrics: Metrics;
let server: HttpServer;
let readiness: Readiness;
const errors: unknown[] = [];

const routes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/orders\/([^/]+)$/g, // sticky on purpose: the server must not depend on lastIndex
    handler: (match, url) =>
      Promise.resolve(
        match[1] === 'missing'
          ? { status: 404, body: { error: 'not found' } }
          : { status: 200, body: { orderId: match[1], pretty: url.searchParams.get('pretty') } },
      ),
  },
  {
    method: 'POST',
    pattern: /^\/orders\/([^/]+)$/,
    handler: () => Promise.resolve({ status: 202, body: {} }),
  },
  {
    method: 'GET',
    pattern: /^\/boom$/,
    handler: () => Promise.reject(new Error('store unavailable')),
  },
];

beforeEach(async () => {
  metrics = createMetrics(new Registry(), {
    build: { version: '0.1.0', librdkafkaVersion: '2.15.1' },
  });
  readiness = { ready: false, checks: { kafka: true, redis: 'connecting', partitions: false } };
  errors.length = 0;
  server = await startHttpServer({
    address: '127.0.0.1:0',
    scrape: () => metrics.scrape(),
    readiness: () => readiness,
    routes,
    onError: (error) => errors.push(error),
  });
});

afterEach(async () => {
  await server.close();
});

const get = (path: string, init?: RequestInit): Promise<Response> =>
  fetch(`${server.url}${path}`, init);

describe('http server', () => {
  it('binds the port it was given, or a free one for port 0', () => {
    expect(server.host).toBe('127.0.0.1');
    expect(server.port).toBeGreaterThan(0);
    expect(server.address).toBe(`127.0.0.1:${server.port}`);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
  });

  it('serves /metrics with the registry content type', async () => {
    const res = await get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(metrics.registry.contentType);
    const body = await res.text();
    expect(body).toContain(
      `streamfold_build_info{version="0.1.0",node_version="${process.version}",librdkafka_version="2.15.1"} 1`,
    );
    expect(body).toContain('process_cpu_seconds_total');
  });

  it('answers /healthz while the process lives, ready or not', async () => {
    const res = await get('/healthz');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz with 503 and the checks until ready, then 200', async () => {
    const notReady = await get('/readyz');
    expect(notReady.status).toBe(503);
    expect(notReady.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await notReady.json()).toEqual({
      ready: false,
      checks: { kafka: true, redis: 'connecting', partitions: false },
    });
    readiness = { ready: true, checks: { kafka: true, redis: true, partitions: true } };
    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true });
  });

  it('answers 404 JSON for unknown paths, whatever the method', async () => {
    for (const [path, method] of [
      ['/', 'GET'],
      ['/metrics/extra', 'GET'],
      ['//metrics', 'GET'],
      ['/nothing', 'DELETE'],
    ] as const) {
      const res = await get(path, { method });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(await res.json()).toEqual({ error: 'not found' });
    }
  });

  it('answers 405 with Allow for a known path and another method', async () => {
    for (const path of ['/metrics', '/healthz', '/readyz']) {
      const res = await get(path, { method: 'POST', body: 'x' });
      expect(res.status, path).toBe(405);
      expect(res.headers.get('allow')).toBe('GET, HEAD');
      expect(await res.json()).toEqual({ error: 'method not allowed' });
    }
    const put = await get('/orders/o-1', { method: 'PUT' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, POST, HEAD');
  });

  it('answers HEAD like GET, without a body', async () => {
    const res = await get('/healthz', { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });

  it('routes extra endpoints by method and pattern, query string apart', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await get('/orders/o-42?pretty=1');
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ orderId: 'o-42', pretty: '1' });
    }
    expect((await get('/orders/missing')).status).toBe(404);
    expect((await get('/orders/o-42', { method: 'POST', body: '{}' })).status).toBe(202);
  });

  it('turns a failing route into a 500 without its message, and reports it', async () => {
    const res = await get('/boom');
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: 'internal error' });
    expect(errors).toHaveLength(1);
  });

  it('refuses a port already taken, naming the address', async () => {
    await expect(
      startHttpServer({
        address: server.address,
        scrape: () => metrics.scrape(),
        readiness: () => readiness,
      }),
    ).rejects.toThrow(`cannot listen on ${server.address}`);
  });

  it('passes promtool check metrics, apart from prom-client’s misnamed nodejs_active_* gauges', async () => {
    metrics.zeroKnownLabels({
      consumed: ['order-events'],
      produced: ['order-status', 'order-events-dlt'],
    });
    metrics.setPartition({
      group: 'g',
      topic: 'order-events',
      partition: 0,
      appliedOffset: 9,
      highWatermark: 20,
    });
    metrics.setOutboxDepth('order-events', 0, 2);
    metrics.observeBatch('order-events', 10, 0.02);
    const body = await (await get('/metrics')).text();

    const lines = body.split('\n');
    const filtered = lines.filter((line) => !promClientMisnamed.test(line));
    // Exactly the three gauges (HELP, TYPE and a sample each) are dropped, nothing of ours.
    expect(lines.length - filtered.length).toBe(9);
    expect(
      lines.filter((l) => promClientMisnamed.test(l)).every((l) => !l.includes('streamfold_')),
    ).toBe(true);

    const { status, output } = lint(filtered.join('\n'));
    expect(output).toBe('');
    expect(status).toBe(0);
    // And unfiltered, promtool does reject those: the filter is not hiding anything else.
    expect(lint(body).output).toMatch(/nodejs_active_handles_total/);
  });
});
