export { generate, plan } from './generate.js';
export { resolveSimOptions, simDefaults, DEFAULT_START_TIME, type SimInput } from './options.js';
export { MalformedClasses, type MalformedClass } from './malformed.js';
export { InvalidClasses, type InvalidClass } from './invalid.js';
export { createRandom, type Random } from './random.js';
export { SimKinds, type SimKind, type SimOptions, type SimPlan, type SimRecord } from './types.js';
