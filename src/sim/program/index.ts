export { generateProgramEvents } from './generate.js';
export { resolveProgramSimOptions, programSimDefaults, type ProgramSimInput } from './options.js';
export { ProgramMalformedClasses, type ProgramMalformedClass } from './malformed.js';
export { SchemaInvalidClasses, type SchemaInvalidClass } from './invalid.js';
export {
  ProgramSimKinds,
  type ProgramSimKind,
  type ProgramSimOptions,
  type ProgramSimRecord,
} from './types.js';
