import { Ajv } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** The schema compiled by Ajv, the draft chosen by `$schema` as the engine does. */
export function validator(schema: object): (value: unknown) => boolean {
  const draft07 = String((schema as { $schema?: unknown }).$schema).includes('draft-07');
  const options = { strict: false, formats: { 'date-time': DATE_TIME } };
  const ajv = draft07 ? new Ajv(options) : new Ajv2020(options);
  const validate = ajv.compile(schema);
  return (value) => validate(value);
}
