/**
 * `query order|revenue|windows|customer` on a language topology: each runs the view of the same
 * name in the topology's `queries:` section (docs/language.md#queries), as `query named` does,
 * and reads its answer in today's shape so one printer serves both engines. The answer's JSON is
 * printed as the view gave it; only the human output needs the typed fields, checked here.
 */
import type { ConnectionConfig } from '../config/index.js';
import { ConfigError, ErrorCodes, StreamfoldError } from '../errors.js';
import type { CustomerView, OrderQueryResult } from '../query/index.js';
import {
  findNamedQuery,
  runNamedQuery,
  type NamedQueryResult,
  type WindowParams,
} from '../query/program/index.js';
import type { LanguageQuery, LanguageTopology } from '../topology/index.js';
import { withProgramReader } from './open-state-reader.js';

/** The view each command prints: the one today's path of that name serves. */
export const OrderCommandViews = {
  order: 'state',
  revenue: 'totals',
  windows: 'totals-windows',
  customer: 'group',
} as const satisfies Record<string, LanguageQuery['view']>;

export type OrderCommand = keyof typeof OrderCommandViews;

/** The topology's query named as the command, refused (naming the file) if absent or not its view. */
export function orderCommandQuery(
  topology: LanguageTopology,
  command: OrderCommand,
): LanguageQuery {
  const view = OrderCommandViews[command];
  const query = findNamedQuery(topology, command);
  if (query === undefined || query.view !== view) {
    const found = query === undefined ? 'it has none' : `it is a ${query.view} view`;
    throw new ConfigError(topology.file, [
      {
        path: 'queries',
        message: `\`query ${command}\` runs the ${view} view named ${command} in the topology's queries: section, and ${found}: add an entry { name: ${command}, view: ${view}, ... } or use \`query state\`, \`aggregate\` or \`named\``,
      },
    ]);
  }
  return query;
}

/** Runs the command's named query over the topology's program shards. */
export function runOrderCommand(
  conn: ConnectionConfig,
  topology: LanguageTopology,
  command: OrderCommand,
  argument: string,
  params: WindowParams = { size: null, from: null, to: null },
): Promise<NamedQueryResult> {
  const query = orderCommandQuery(topology, command);
  return withProgramReader(conn, topology, 'streamfold-query', (reader) =>
    runNamedQuery(reader, topology, query, argument, params),
  );
}

type Body = Readonly<Record<string, unknown>>;
type Found = Extract<NamedQueryResult, { kind: 'found' }>;

const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number';
const isAmounts = (v: unknown): v is Record<string, number> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every(isNumber);
const isPartitions = (v: unknown): v is number[] => Array.isArray(v) && v.every(isNumber);

/**
 * One field the human output shows. A state or group of another shape than the order's is
 * refused rather than printed as `undefined`: its view is still there under `query named`.
 */
function field<T>(
  topology: LanguageTopology,
  command: OrderCommand,
  body: Body,
  name: string,
  is: (v: unknown) => v is T,
): T {
  const value = body[name];
  if (is(value)) return value;
  throw new ConfigError(topology.file, [
    {
      path: `queries.${command}`,
      message: `\`query ${command}\` shows ${name}, which the answer of this view lacks or holds otherwise (${JSON.stringify(value) ?? 'absent'}): use --json, or \`query named\``,
    },
  ]);
}

/**
 * The answer of a totals or totals-windows view, which always answers (named-query.ts): a
 * not-found there is an engine bug, not an absent key, so it is not printed as one.
 */
export function totalsAnswerOf(result: NamedQueryResult, command: OrderCommand): Body {
  if (result.kind === 'found') return result.body;
  throw new StreamfoldError(ErrorCodes.INTERNAL, `the ${command} view answered not found`);
}

/** The state view's answer as today's order, for the partition it was read from. */
export function orderResultOf(topology: LanguageTopology, found: Found): OrderQueryResult {
  const text = (name: string) => field(topology, 'order', found.body, name, isString);
  const number = (name: string) => field(topology, 'order', found.body, name, isNumber);
  // A state view's answer reflects its own shard alone (named-query.ts): the partition read.
  const [partition] = found.offsets === 'all' ? [] : found.offsets;
  return {
    partition: partition ?? -1,
    order: {
      orderId: text('orderId'),
      customerId: text('customerId'),
      status: text('status'),
      currency: text('currency'),
      totalCents: number('totalCents'),
      paidCents: number('paidCents'),
      appliedEvents: number('appliedEvents'),
      updatedAt: number('updatedAt'),
    },
  };
}

/** The group view's answer as today's customer. */
export function customerViewOf(topology: LanguageTopology, body: Body): CustomerView {
  const count = (name: string) => field(topology, 'customer', body, name, isNumber);
  return {
    customerId: field(topology, 'customer', body, 'customerId', isString),
    orders: count('orders'),
    paid: count('paid'),
    shipped: count('shipped'),
    cancelled: count('cancelled'),
    lifetimeValueCents: field(topology, 'customer', body, 'lifetimeValueCents', isAmounts),
    partitions: field(topology, 'customer', body, 'partitions', isPartitions),
  };
}
