import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadLanguageTopology } from '../../../../src/topology/index.js';
import { customersProgram, ordersProgram } from '../../pipeline/program/orders-program.js';

const topology = (name: string): string =>
  fileURLToPath(new URL(`../../../../topologies/next/${name}`, import.meta.url));

describe('the shipped language topologies', () => {
  it('orders compiles into the orders program', () => {
    expect(loadLanguageTopology(topology('orders.yaml')).program).toEqual(ordersProgram);
  });

  it('customers compiles into the customers program', () => {
    expect(loadLanguageTopology(topology('customers.yaml')).program).toEqual(customersProgram);
  });
});
