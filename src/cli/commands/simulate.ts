import type { Command } from 'commander';

/** Placeholder until the command lands. */
export function registerSimulate(_program: Command): void {}
