/** Uids and titles of the shipped dashboards, in one place: their header links point at each other. */
export const workerOverviewRef = {
  uid: 'streamfold-worker-overview',
  title: 'streamfold — worker overview',
} as const;

export const consumerLagRef = {
  uid: 'streamfold-consumer-lag',
  title: 'streamfold — consumer lag',
} as const;

export function topologyRef(name: string): { uid: string; title: string } {
  return { uid: `streamfold-topology-${name}`, title: `streamfold — topology ${name}` };
}
