import { spawn, type ChildProcess } from 'node:child_process';
import {
  createWriteStream,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { eventually } from './env.js';
import { freePort } from './free-port.js';

export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';

interface ApiResponse<T> {
  status: 'success' | 'error';
  data: T;
  errorType?: string;
  error?: string;
}

export interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

export type QueryData =
  | { resultType: 'vector'; result: Sample[] }
  | { resultType: 'matrix'; result: { metric: Record<string, string>; values: unknown[] }[] }
  | { resultType: 'scalar' | 'string'; result: [number, string] };

export interface RuleState {
  name: string;
  type: 'alerting' | 'recording';
  health: string;
  lastError?: string;
  state?: string;
}

export interface ActiveAlert {
  labels: Record<string, string>;
  state: 'pending' | 'firing';
}

export interface PrometheusOptions {
  /** Job name of the scrape config whose targets `setTargets` replaces. */
  job: string;
  /** Rule files, loaded by absolute path. */
  ruleFiles: readonly string[];
  /** Seconds; also the rule evaluation interval. */
  intervalSeconds?: number;
}

/**
 * A Prometheus server of the test's own, on a free loopback port with its storage in a temp
 * dir. Targets come from a file_sd file, so workers started later (on ports known only once
 * they listen) join the job without a restart or a reload.
 */
export class PrometheusServer {
  private gone = false;

  private constructor(
    private readonly child: ChildProcess,
    readonly dir: string,
    readonly url: string,
    private readonly targetsFile: string,
    readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>,
  ) {}

  static async start(options: PrometheusOptions): Promise<PrometheusServer> {
    const dir = mkdtempSync(path.join(tmpdir(), 'streamfold-prometheus-'));
    const interval = `${options.intervalSeconds ?? 1}s`;
    const targetsFile = path.join(dir, 'targets.json');
    writeFileSync(targetsFile, '[]\n');
    const configFile = path.join(dir, 'prometheus.yml');
    writeFileSync(
      configFile,
      stringify({
        global: { scrape_interval: interval, evaluation_interval: interval },
        rule_files: options.ruleFiles.map((f) => path.resolve(f)),
        scrape_configs: [
          {
            job_name: options.job,
            // The file is watched; the refresh is a backstop if a change notification is lost.
            file_sd_configs: [{ files: [targetsFile], refresh_interval: '5s' }],
          },
        ],
      }),
    );
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const log = createWriteStream(path.join(dir, 'prometheus.log'));
    const child = spawn(
      PROMETHEUS_BIN,
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
      (resolve) => {
        child.once('exit', (code, signal) => resolve({ code, signal }));
        // A missing binary emits 'error' and never 'exit'.
        child.once('error', (err) => {
          log.write(`spawn ${PROMETHEUS_BIN} failed: ${err.message}\n`);
          resolve({ code: null, signal: null });
        });
      },
    );
    const server = new PrometheusServer(child, dir, url, targetsFile, exited);
    void exited.then(() => {
      server.gone = true;
    });
    try {
      const state = await eventually(
        'Prometheus to report ready',
        async () => {
          if (!server.running) return 'exited';
          const res = await fetch(`${url}/-/ready`);
          return res.ok ? 'ready' : undefined;
        },
        30_000,
        100,
      );
      if (state === 'exited') throw new Error(`prometheus exited:\n${server.logTail()}`);
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  get running(): boolean {
    return !this.gone;
  }

  /** The end of Prometheus's own log, for failure messages. */
  logTail(chars = 4000): string {
    try {
      return readFileSync(path.join(this.dir, 'prometheus.log'), 'utf8').slice(-chars);
    } catch {
      return '(no log)';
    }
  }

  /** Replaces the job's targets (`host:port`). Renamed into place: never read half-written. */
  setTargets(targets: readonly string[]): void {
    const next = `${this.targetsFile}.next`;
    writeFileSync(next, JSON.stringify([{ targets }]));
    renameSync(next, this.targetsFile);
  }

  /** GET on the HTTP API; throws with Prometheus's error text on anything but success. */
  async api<T>(endpoint: string, params: Record<string, string | string[]> = {}): Promise<T> {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
      for (const v of Array.isArray(value) ? value : [value]) search.append(key, v);
    }
    const query = search.size > 0 ? `?${search.toString()}` : '';
    const res = await fetch(`${this.url}/api/v1/${endpoint}${query}`);
    const body = (await res.json()) as ApiResponse<T>;
    if (body.status !== 'success') {
      throw new Error(
        `prometheus ${endpoint} ${JSON.stringify(params)}: ${body.errorType}: ${body.error}`,
      );
    }
    return body.data;
  }

  /** An instant query at the server's "now". */
  query(expr: string): Promise<QueryData> {
    return this.api<QueryData>('query', { query: expr });
  }

  /** The samples of an instant query that must return a vector. */
  async vector(expr: string): Promise<Sample[]> {
    const data = await this.query(expr);
    if (data.resultType !== 'vector') throw new Error(`${expr}: got a ${data.resultType}`);
    return data.result;
  }

  labelValues(
    label: string,
    options: { match?: string; start?: Date; end?: Date } = {},
  ): Promise<string[]> {
    const params: Record<string, string> = {};
    if (options.match !== undefined) params['match[]'] = options.match;
    if (options.start) params.start = (options.start.getTime() / 1000).toFixed(3);
    if (options.end) params.end = (options.end.getTime() / 1000).toFixed(3);
    return this.api<string[]>(`label/${encodeURIComponent(label)}/values`, params);
  }

  async rules(): Promise<RuleState[]> {
    const data = await this.api<{ groups: { rules: RuleState[] }[] }>('rules');
    return data.groups.flatMap((g) => g.rules);
  }

  async alerts(): Promise<ActiveAlert[]> {
    return (await this.api<{ alerts: ActiveAlert[] }>('alerts')).alerts;
  }

  /** SIGTERM, then waits for the exit; the TSDB goes, config and log stay for a post-mortem. */
  async stop(timeoutMs = 30_000): Promise<void> {
    if (this.running) {
      this.child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), timeoutMs);
      });
      const how = await Promise.race([this.exited, late]);
      clearTimeout(timer);
      if (how === 'late') {
        // A shutdown stuck past the timeout must not hang the suite or leak the process.
        this.child.kill('SIGKILL');
        await this.exited;
      }
    }
    rmSync(path.join(this.dir, 'data'), { recursive: true, force: true });
  }
}
