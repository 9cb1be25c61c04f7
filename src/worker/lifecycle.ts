/** The worker's states, in the only order they can occur. */
export const WorkerStates = ['starting', 'running', 'draining', 'stopped'] as const;
export type WorkerState = (typeof WorkerStates)[number];

const allowed: Record<WorkerState, readonly WorkerState[]> = {
  starting: ['running', 'draining', 'stopped'],
  running: ['draining'],
  draining: ['stopped'],
  stopped: [],
};

export function canTransition(from: WorkerState, to: WorkerState): boolean {
  return allowed[from].includes(to);
}
