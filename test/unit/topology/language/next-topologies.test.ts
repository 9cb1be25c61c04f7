import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadLanguageTopology } from '../../../../src/topology/index.js';
import { customersProgram, ordersProgram } from '../../pipeline/program/orders-program.js';

const dir = fileURLToPath(new URL('../../../../topologies/', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));

/** Every value of a data tree is frozen, down to the leaves. */
function deeplyFrozen(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  return Object.isFrozen(value) && Object.values(value).every(deeplyFrozen);
}

describe('the shipped language topologies (topologies/)', () => {
  it('hold the four the engine switches to', () => {
    expect(files).toEqual(
      expect.arrayContaining(['customers.yaml', 'orders.yaml', 'payments.yaml', 'shipments.yaml']),
    );
  });

  it.each(files)('%s compiles into a frozen program named after its file', (file) => {
    const t = loadLanguageTopology(`${dir}${file}`);
    expect(`${t.name}.yaml`).toBe(file);
    expect(deeplyFrozen(t.program)).toBe(true);
    for (const transition of t.program.machine.transitions) {
      expect(t.program.eventTypes).toContain(transition.on);
    }
  });

  it('orders compiles into the orders program the fold is tested with', () => {
    expect(loadLanguageTopology(`${dir}orders.yaml`).program).toEqual(ordersProgram);
  });

  it("orders and customers name the views today's topologies serve", () => {
    expect(loadLanguageTopology(`${dir}orders.yaml`).queries).toEqual([
      { name: 'order', path: '/orders/:key', view: 'state' },
      { name: 'revenue', path: '/revenue', view: 'totals', aggregate: 'revenue' },
      { name: 'windows', path: '/revenue/windows', view: 'totals-windows', aggregate: 'revenue' },
    ]);
    expect(loadLanguageTopology(`${dir}customers.yaml`).queries).toEqual([
      { name: 'customer', path: '/customers/:group', view: 'group', aggregate: 'customer-value' },
    ]);
  });

  it('customers compiles into the customers program the fold is tested with', () => {
    expect(loadLanguageTopology(`${dir}customers.yaml`).program).toEqual(customersProgram);
  });
});
