export { OutboxRelay } from './outbox-relay.js';
export { publish } from './publish.js';
