export {
  connectKafka,
  createAdmin,
  createConsumer,
  createProducer,
  isFatal,
  securityFailure,
  type Admin,
  type ClientOptions,
  type Consumer,
  type ConsumerOptions,
  type Producer,
} from './clients.js';
export { commonProps, groupProps, type RdKafkaProps } from './client-config.js';
export { ensureTopics, missingTopics, type EnsureResult, type TopicSpec } from './topics.js';
export { headersAsText } from './header-text.js';
