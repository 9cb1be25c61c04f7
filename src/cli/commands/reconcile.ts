import type { Command } from 'commander';

/** Placeholder until the command lands. */
export function registerReconcile(_program: Command): void {}
