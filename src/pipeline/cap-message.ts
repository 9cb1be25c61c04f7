/**
 * Error text ends up in a Kafka header; an unbounded one could push a dead letter past the broker's
 * message size limit and stall the partition.
 */
export const MAX_ERROR_MESSAGE_LENGTH = 1000;

const ELLIPSIS = '…';

export function capMessage(message: string, max: number = MAX_ERROR_MESSAGE_LENGTH): string {
  if (message.length <= max) return message;
  let end = max - ELLIPSIS.length;
  // A lone high surrogate would not survive UTF-8 encoding of the header.
  const last = message.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return message.slice(0, end) + ELLIPSIS;
}
