import { Option, type Command } from 'commander';
import {
  defaultGroupConfig,
  groupSettingSources,
  loadGroupConfig,
  type GroupConfig,
} from '../config/index.js';

const help = {
  groupProtocol:
    'rebalance protocol: classic (cooperative-sticky) or consumer (KIP-848, Kafka 4.0+)',
  groupInstanceId: 'static group membership: a stable id, unique per worker',
} as const;

/** Adds the consumer group flags of `run` (each also read from its environment variable). */
export function withGroupOptions(command: Command): Command {
  for (const [name, source] of Object.entries(groupSettingSources)) {
    const key = name as keyof typeof groupSettingSources;
    const fallback = key === 'groupProtocol' ? defaultGroupConfig.protocol : 'none';
    command.addOption(
      new Option(`${source.flag} <value>`, `${help[key]} (env ${source.env}, default ${fallback})`),
    );
  }
  return command;
}

export interface GroupFlagValues {
  groupProtocol?: string;
  groupInstanceId?: string;
}

/** Flags, then environment, then defaults; throws ConfigError naming the bad field. */
export function groupFrom(flags: GroupFlagValues): GroupConfig {
  return loadGroupConfig({
    groupProtocol: flags.groupProtocol,
    groupInstanceId: flags.groupInstanceId,
  });
}
