import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { ChainableCommander } from 'ioredis';
import { ErrorCodes, StreamfoldError } from '../errors.js';
import type { RedisConnection } from './redis-client.js';

/** A Lua script file `lua/<name>-<numKeys>.lua`, registered on a client as a command. */
export interface ScriptDefinition {
  readonly name: string;
  readonly numberOfKeys: number;
  readonly lua: string;
}

const defaultDir = fileURLToPath(new URL('./lua/', import.meta.url));
const fileName = /^([a-z][a-z0-9-]*?)-(\d+)\.lua$/;

/** Reads every script in a folder; the key count comes from the file name. */
export function readScripts(dir: string = defaultDir): ScriptDefinition[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.lua'))
    .sort()
    .map((file) => {
      const match = fileName.exec(file);
      if (!match?.[1] || !match[2]) {
        throw new StreamfoldError(
          ErrorCodes.REDIS_SCRIPT,
          `Lua script ${file} must be named <name>-<numberOfKeys>.lua`,
        );
      }
      return {
        name: match[1],
        numberOfKeys: Number(match[2]),
        lua: readFileSync(path.join(dir, file), 'utf8'),
      };
    });
}

/** The command name a script is registered under: `commit-batch` → `sfCommitBatch`. */
export function commandName(scriptName: string): string {
  return 'sf' + scriptName.replace(/(^|-)([a-z0-9])/g, (_m, _dash, c: string) => c.toUpperCase());
}

export type ScriptArg = string | number;

type ScriptCommand = (...keysThenArgs: ScriptArg[]) => unknown;

/**
 * Registers scripts on a client (EVALSHA, with EVAL on NOSCRIPT, in pipelines too) and runs
 * them by name with their declared key count checked.
 */
export class ScriptRunner {
  private readonly scripts: ReadonlyMap<string, ScriptDefinition>;

  constructor(definitions: readonly ScriptDefinition[] = readScripts()) {
    this.scripts = new Map(definitions.map((d) => [d.name, d]));
  }

  register(client: RedisConnection): void {
    for (const script of this.scripts.values()) {
      client.defineCommand(commandName(script.name), {
        lua: script.lua,
        numberOfKeys: script.numberOfKeys,
      });
    }
  }

  /** Runs a script now. */
  run(
    client: RedisConnection,
    name: string,
    keys: readonly string[],
    args: readonly ScriptArg[],
  ): Promise<unknown> {
    return this.command(client, name, keys).call(client, ...keys, ...args) as Promise<unknown>;
  }

  /** Queues a script on a pipeline or transaction; its reply comes with `exec()`. */
  queue(
    pipeline: ChainableCommander,
    name: string,
    keys: readonly string[],
    args: readonly ScriptArg[],
  ): ChainableCommander {
    this.command(pipeline, name, keys).call(pipeline, ...keys, ...args);
    return pipeline;
  }

  private command(client: object, name: string, keys: readonly string[]): ScriptCommand {
    const script = this.scripts.get(name);
    if (!script) {
      throw new StreamfoldError(ErrorCodes.REDIS_SCRIPT, `unknown Lua script "${name}"`);
    }
    if (keys.length !== script.numberOfKeys) {
      throw new StreamfoldError(
        ErrorCodes.REDIS_SCRIPT,
        `script ${name} takes ${script.numberOfKeys} keys, got ${keys.length}`,
      );
    }
    const command = (client as Record<string, ScriptCommand | undefined>)[commandName(name)];
    if (!command) {
      throw new StreamfoldError(
        ErrorCodes.REDIS_SCRIPT,
        `script ${name} is not registered on this client`,
      );
    }
    return command;
  }
}
