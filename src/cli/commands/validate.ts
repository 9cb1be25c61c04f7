import type { Command } from 'commander';
import {
  validateTopologyFile,
  type CompiledTopology,
  type LanguageTopology,
  type TopologyIssue,
  type TopologyValidation,
} from '../../topology/index.js';
import { isTopologyModule } from '../../topology/load-topology-module.js';
import { validateTopologyModule } from '../../topology/validate-topology.js';

interface ValidateFlags {
  json?: boolean;
}

/** Where the report goes; a parameter so tests can capture it without touching process.stdout. */
export interface ReportWriter {
  write(text: string): unknown;
}

/** `file:line:column: path: message`, the shape editors and CI annotators already parse. */
export function formatIssue(file: string, issue: TopologyIssue): string {
  const position = issue.line === undefined ? '' : `:${issue.line}:${issue.column ?? 1}`;
  return `${file}${position}: ${issue.path}: ${issue.message}`;
}

/** What `validate` reports of either format: a language file reads `input` where a legacy one reads `source`. */
function summary(t: CompiledTopology | LanguageTopology): {
  name: string;
  source: string;
  group: string;
  partitions: number;
  outputs: object;
} {
  const input = 'kind' in t ? t.input : t.source;
  return {
    name: t.name,
    source: input.topic,
    group: input.group,
    partitions: input.partitions,
    outputs: t.outputs,
  };
}

export function formatOk(file: string, t: CompiledTopology | LanguageTopology): string {
  const s = summary(t);
  return (
    `ok: ${file} (topology ${s.name}, source ${s.source}, group ${s.group}, ` +
    `${s.partitions} partitions)`
  );
}

function issueJson(issue: TopologyIssue): Record<string, unknown> {
  // expected/got are always present (null when the problem has no such shape) so consumers
  // can rely on the keys.
  return {
    path: issue.path,
    message: issue.message,
    expected: issue.expected ?? null,
    got: issue.got ?? null,
    ...(issue.line === undefined ? {} : { line: issue.line, column: issue.column }),
  };
}

function okJson(file: string, s: ReturnType<typeof summary>): Record<string, unknown> {
  return {
    ok: true,
    file,
    topology: s.name,
    source: s.source,
    group: s.group,
    partitions: s.partitions,
    outputs: s.outputs,
  };
}

/** Validates one topology file and reports it; returns the exit code (0 valid, 1 not). */
export function runValidate(file: string, flags: ValidateFlags, out: ReportWriter): number {
  return report(file, validateTopologyFile(file), flags, out);
}

/** The same for a topology module (`.ts`, `.js`), which is imported, hence the promise. */
export async function runValidateModule(
  file: string,
  flags: ValidateFlags,
  out: ReportWriter,
): Promise<number> {
  return report(file, await validateTopologyModule(file), flags, out);
}

function report(
  file: string,
  result: TopologyValidation,
  flags: ValidateFlags,
  out: ReportWriter,
): number {
  if (flags.json) {
    const report = result.ok
      ? okJson(file, summary(result.topology))
      : { ok: false, file, issues: result.issues.map(issueJson) };
    out.write(`${JSON.stringify(report)}\n`);
  } else if (result.ok) {
    out.write(`${formatOk(file, result.topology)}\n`);
  } else {
    for (const issue of result.issues) out.write(`${formatIssue(file, issue)}\n`);
  }
  return result.ok ? 0 : 1;
}

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check a topology file and print every problem with its field (exit 1 if any)')
    .argument('<file>', 'topology file (YAML, or a .ts/.js module)')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, flags: ValidateFlags) => {
      process.exitCode = isTopologyModule(file)
        ? await runValidateModule(file, flags, process.stdout)
        : runValidate(file, flags, process.stdout);
    });
}
