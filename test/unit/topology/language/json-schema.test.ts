import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadLanguageTopology } from '../../../../src/topology/index.js';
import { loadJsonSchema, schemaMessage } from '../../../../src/topology/language/json-schema.js';

const fixtures = fileURLToPath(new URL('fixtures/', import.meta.url));

function loaded(source: string | Record<string, unknown>) {
  const result = loadJsonSchema(source, fixtures);
  if (!result.ok) throw new Error(`unexpected issues ${JSON.stringify(result.issues)}`);
  return result.schema;
}

const placed = {
  eventId: 'e1',
  type: 'PaymentAuthorised',
  paymentId: 'p1',
  merchantId: 'm1',
  timestamp: 1,
  data: { authorisedCents: 100, currency: 'EUR' },
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe('loadJsonSchema', () => {
  it('compiles a topology schema once, however many events it validates', () => {
    const compile = vi.spyOn(Ajv2020.prototype, 'compile');
    const t = loadLanguageTopology(`${fixtures}payments.yaml`);
    expect(compile).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 5; i++) t.schema.validate({ ...placed, eventId: `e${i}` });
    t.schema.validate({});
    expect(compile).toHaveBeenCalledTimes(1);
    // Each topology gets its own compiled validator; nothing is shared between loads.
    loadLanguageTopology(`${fixtures}payments.yaml`);
    expect(compile).toHaveBeenCalledTimes(2);
  });

  it('hands every value to the one function compiled at load', () => {
    // eslint-disable-next-line @typescript-eslint/unbound-method -- called with its instance below
    const real = Ajv2020.prototype.compile;
    const counts: number[] = [];
    vi.spyOn(Ajv2020.prototype, 'compile').mockImplementation(function (
      this: Ajv2020,
      schema: Parameters<typeof real>[0],
    ) {
      const index = counts.push(0) - 1;
      // A proxy, so the validator still reads the compiled function's `errors`.
      return new Proxy(real.call(this, schema), {
        apply(target, self, args: [unknown]) {
          counts[index] = (counts[index] ?? 0) + 1;
          return Reflect.apply(target, self, args);
        },
      });
    });
    const t = loadLanguageTopology(`${fixtures}payments.yaml`);
    expect(t.schema.validate(placed)).toEqual({ ok: true });
    expect(t.schema.validate({ ...placed, timestamp: -1 })).toMatchObject({ ok: false });
    expect(t.schema.validate(placed)).toEqual({ ok: true });
    expect(counts).toEqual([3]);
  });

  it('chooses draft 2020-12 by default and draft-07 when $schema names it', () => {
    const c2020 = vi.spyOn(Ajv2020.prototype, 'compile');
    const c07 = vi.spyOn(Ajv.prototype, 'compile');
    loaded({ type: 'object' });
    loaded({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object' });
    expect([c2020.mock.calls.length, c07.mock.calls.length]).toEqual([2, 0]);
    loaded({ $schema: 'http://json-schema.org/draft-07/schema#', type: 'object' });
    expect([c2020.mock.calls.length, c07.mock.calls.length]).toEqual([2, 1]);
  });

  it('validate: ok for a valid value, `<instancePath>: <message>` otherwise', () => {
    const schema = loaded({
      type: 'object',
      required: ['a'],
      properties: { a: { type: 'integer' } },
    });
    expect(schema.validate({ a: 1 })).toEqual({ ok: true });
    expect(schema.validate({ a: 'x' })).toEqual({ ok: false, message: '/a: must be integer' });
    expect(schema.validate([])).toEqual({ ok: false, message: '(root): must be object' });
  });

  it('validate: at most 5 errors, then the count of the rest', () => {
    // Each failing branch of a oneOf reports its error, then the oneOf its own: 7 + 1 errors.
    const schema = loaded({ oneOf: [1, 2, 3, 4, 5, 6, 7].map((n) => ({ const: n })) });
    const constant = '(root): must be equal to constant';
    expect(schema.validate(0)).toEqual({
      ok: false,
      message: `${[constant, constant, constant, constant, constant].join('; ')}; (+3 more)`,
    });
  });

  it('keeps the JSON Schema as loaded', () => {
    const json = { type: 'object', properties: { a: { type: 'string' } } };
    expect(loaded(json).json).toEqual(json);
  });
});

describe('schemaMessage', () => {
  const error = (instancePath: string, message?: string) => ({
    instancePath,
    schemaPath: '#/x',
    keyword: 'type',
    params: {},
    ...(message === undefined ? {} : { message }),
  });

  it('joins exactly five errors without a count, and falls back to the keyword', () => {
    const five = [1, 2, 3, 4].map((n) => error(`/a${n}`, 'm')).concat(error('/b'));
    expect(schemaMessage(five)).toBe('/a1: m; /a2: m; /a3: m; /a4: m; /b: type');
    expect(schemaMessage([...five, error('', 'n')])).toBe(
      '/a1: m; /a2: m; /a3: m; /a4: m; /b: type; (+1 more)',
    );
  });
});
