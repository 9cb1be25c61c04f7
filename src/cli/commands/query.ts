import type { Command } from 'commander';

/** Placeholder until the command lands. */
export function registerQuery(_program: Command): void {}
