import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built CLI: e2e tests run streamfold exactly as a user does. */
export const cliPath = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `streamfold <args>` to completion (never rejects on a non-zero exit). */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [cliPath, ...args],
      { env: { ...process.env, ...env }, maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(new Error(`could not run streamfold ${args.join(' ')}`, { cause: error }));
          return;
        }
        resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
      },
    );
  });
}

/** Runs a `--json` command and parses its output; fails loudly with stderr on a bad exit. */
export async function runCliJson<T>(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  okCodes: readonly number[] = [0],
): Promise<{ code: number; json: T }> {
  const result = await runCli(args, env);
  if (!okCodes.includes(result.code)) {
    throw new Error(
      `streamfold ${args.join(' ')} exited ${result.code}:\n${result.stderr}\n${result.stdout}`,
    );
  }
  return { code: result.code, json: JSON.parse(result.stdout) as T };
}
