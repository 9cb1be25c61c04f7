export {
  compileLanguageTopology,
  isLanguageDocument,
  loadLanguageTopology,
  type CompileOptions,
} from './compile-language-topology.js';
export { languageSchema, type LanguageFile } from './schema.js';
export type { Position, PositionOf } from './positions.js';
export type { LanguageOutputs, LanguageQuery, LanguageTopology, SchemaVerdict } from './types.js';
