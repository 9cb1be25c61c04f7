export { OutboxRelay } from './outbox-relay.js';
export { publish, SF_ID_HEADER } from './publish.js';
