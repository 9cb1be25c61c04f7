/** The numbers of a chaos run's report, and the summary it prints. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FaultRecord } from './faults.js';
import type { Exit } from './processes.js';
import type { LagPoint, RssSeries } from './sampler.js';
import { slope } from './util.js';

/** `2026-11-28T06-39-44Z`, like bench/results. */
export function stamp(at = new Date()): string {
  return at
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replaceAll(':', '-');
}

/** Per fault: from its heal to the first sample with no lag, and with under a second of lag. */
export function recoveries(
  faults: readonly FaultRecord[],
  lag: readonly LagPoint[],
  endMs: number,
  rate: number,
) {
  return faults.map((f, i) => {
    const from = f.healedAtMs ?? f.atMs;
    const until = faults[i + 1]?.atMs ?? endMs;
    const window = lag.filter((p) => p.atMs >= from && p.atMs <= until);
    const zero = window.find((p) => p.totalLag === 0);
    const small = window.find((p) => p.totalLag <= rate);
    const peak = window.reduce((m, p) => Math.max(m, p.totalLag), 0);
    return {
      kind: f.kind,
      healedAtMs: from,
      toLagZeroMs: zero ? zero.atMs - from : null,
      toLagUnderOneSecondMs: small ? small.atMs - from : null,
      peakLagAfterHeal: peak,
      windowMs: until - from,
    };
  });
}

/** Error and fatal lines of the worker logs, counted by message. */
export function workerErrors(files: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const file of files) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        const entry = JSON.parse(line) as {
          level?: number;
          msg?: string;
          err?: { message?: string };
        };
        if ((entry.level ?? 0) < 50) continue;
        const key = `${entry.level === 60 ? 'fatal' : 'error'}: ${entry.msg ?? ''}${entry.err?.message ? ` (${entry.err.message.slice(0, 140)})` : ''}`;
        counts[key] = (counts[key] ?? 0) + 1;
      } catch {
        // not a log line
      }
    }
  }
  return counts;
}

/** Per worker process: its RSS series in MB and the trend after start-up. */
export function rssReport(series: Iterable<RssSeries>) {
  return [...series].map((s) => {
    const first = s.samples[0];
    const last = s.samples.at(-1);
    const lifeMs = first && last ? last[0] - first[0] : 0;
    // The first 20 s are start-up (JIT, buffers): the trend is over the rest.
    const steady = s.samples.filter(([t]) => first !== undefined && t - first[0] >= 20_000);
    const perMs = slope(steady.map(([t, kb]) => [t, kb / 1024] as [number, number]));
    return {
      slot: s.slot,
      pid: s.pid,
      lifetimeS: Math.round(lifeMs / 1000),
      firstMb: first ? +(first[1] / 1024).toFixed(1) : null,
      maxMb: +(Math.max(...s.samples.map(([, kb]) => kb)) / 1024).toFixed(1),
      lastMb: last ? +(last[1] / 1024).toFixed(1) : null,
      slopeMbPerMin: perMs === null ? null : +(perMs * 60_000).toFixed(2),
      samples: s.samples.map(([t, kb]) => [t, Math.round(kb / 1024)]),
    };
  });
}

export function printSummary(
  r: {
    ok: boolean;
    seed: number;
    durationS: number;
    faults: FaultRecord[];
    judgements: Record<string, { ok: boolean }>;
    numbers: {
      recordsProduced: number;
      faultsInjected: number;
      recoveries: {
        kind: string;
        toLagZeroMs: number | null;
        toLagUnderOneSecondMs: number | null;
      }[];
      finalHealToLagZeroMs: number | null;
      rssTrendLongLivedMbPerMin: {
        slot: number;
        pid: number;
        lifetimeS: number;
        slope: number | null;
      }[];
      unexpectedExits: { what: string; atMs: number; exit: Exit }[];
      observerExits: { atMs: number; signal: string | null }[];
    };
  },
  file: string,
): void {
  const lines: string[] = [];
  lines.push(
    `chaos: seed ${r.seed}, ${r.durationS} s, ${r.numbers.recordsProduced} records, ${r.numbers.faultsInjected} faults injected`,
  );
  r.faults.forEach((f, i) => {
    const rec = r.numbers.recoveries[i];
    const target = f.worker === undefined ? '' : ` worker-${f.worker}`;
    const fmt = (ms: number | null | undefined) =>
      ms == null ? '—' : `${(ms / 1000).toFixed(1)}s`;
    lines.push(
      `  ${(f.atMs / 1000).toFixed(1).padStart(6)}s ${f.kind}${target} (${f.ms} ms) healed +${fmt((f.healedAtMs ?? f.atMs) - f.atMs)}, lag 0 after ${fmt(rec?.toLagZeroMs)}, <1s of lag after ${fmt(rec?.toLagUnderOneSecondMs)}${f.notes.length ? `; ${f.notes.join('; ')}` : ''}`,
    );
  });
  lines.push(`  final heal → lag 0: ${r.numbers.finalHealToLagZeroMs ?? '—'} ms`);
  for (const s of r.numbers.rssTrendLongLivedMbPerMin) {
    lines.push(`  RSS trend worker-${s.slot} pid ${s.pid} (${s.lifetimeS} s): ${s.slope} MB/min`);
  }
  for (const u of r.numbers.unexpectedExits) {
    lines.push(
      `  UNEXPECTED EXIT ${u.what} at ${(u.atMs / 1000).toFixed(1)}s: code ${u.exit.code} signal ${u.exit.signal}`,
    );
  }
  for (const o of r.numbers.observerExits) {
    lines.push(
      `  observer process died at ${(o.atMs / 1000).toFixed(1)}s (signal ${o.signal}); restarted`,
    );
  }
  for (const [name, j] of Object.entries(r.judgements))
    lines.push(`  ${j.ok ? 'PASS' : 'FAIL'} ${name}`);
  lines.push(`${r.ok ? 'PASS' : 'FAIL'}: report ${path.relative(process.cwd(), file)}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
