import { readFileSync } from 'node:fs';

/** Linux reports process CPU time in clock ticks; 100 per second on every x86-64 kernel here. */
const CLOCK_TICKS_PER_SECOND = 100;

/** User plus system CPU time of a live process, in microseconds; undefined once it is gone. */
export function cpuMicros(pid: number): number | undefined {
  const stat = readProc(pid, 'stat');
  if (stat === undefined) return undefined;
  // The command name (field 2) may hold spaces: fields are counted after its closing paren.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1_000_000) / CLOCK_TICKS_PER_SECOND;
}

export interface Memory {
  /** Resident set size now, bytes. */
  rss: number;
  /** The peak resident set size over the process's life, bytes. */
  peak: number;
}

export function memory(pid: number): Memory | undefined {
  const status = readProc(pid, 'status');
  if (status === undefined) return undefined;
  const kib = (field: string): number => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) * 1024 : 0;
  };
  return { rss: kib('VmRSS'), peak: kib('VmHWM') };
}

function readProc(pid: number, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
}
