import type { EmulatorFault, EmulatorStep } from './types';

/** Every step a fault can name. */
export const faultSteps: readonly EmulatorStep[] = [
  'session',
  'settings',
  'conversation',
  'stream',
  'stop',
  'delete',
  'models',
  'resume',
];
/** Every fault kind: the stream-body ones, and `reset` at any step. */
export const faultKinds = [
  'drop',
  'backend-drop',
  'stall',
  'malformed',
  'error-event',
  'no-final',
  'rerun',
  'reset',
] as const satisfies ReadonlyArray<NonNullable<EmulatorFault['kind']>>;

const streamKinds: ReadonlySet<string> = new Set(faultKinds.filter((k) => k !== 'reset'));

/** True for the fault kinds that act inside a stream body (step `stream` only). */
export const isStreamFault = (fault: EmulatorFault): boolean =>
  fault.kind !== undefined && streamKinds.has(fault.kind);

// A wrong fault is a bug in the caller's test: say so at once rather than never firing.
const check = (fault: EmulatorFault): void => {
  const what = JSON.stringify(fault);
  if (!faultSteps.includes(fault.step)) throw new Error(`emulator fault: unknown step in ${what}`);
  if ((fault.status === undefined) === (fault.kind === undefined)) {
    throw new Error(`emulator fault: give exactly one of status or kind in ${what}`);
  }
  if (
    fault.status !== undefined &&
    (!Number.isInteger(fault.status) || fault.status < 200 || fault.status > 599)
  ) {
    throw new Error(`emulator fault: status must be an integer 200-599 in ${what}`);
  }
  if (fault.kind !== undefined && fault.kind !== 'reset' && !streamKinds.has(fault.kind)) {
    throw new Error(`emulator fault: unknown kind in ${what}`);
  }
  if (isStreamFault(fault) && fault.step !== 'stream') {
    throw new Error(`emulator fault: kind ${fault.kind} needs step 'stream' in ${what}`);
  }
  if (fault.message !== undefined && fault.kind !== 'error-event') {
    throw new Error(`emulator fault: message needs kind 'error-event' in ${what}`);
  }
  if (fault.times !== undefined && (!Number.isInteger(fault.times) || fault.times < 1)) {
    throw new Error(`emulator fault: times must be a positive integer in ${what}`);
  }
  if (
    fault.afterTokens !== undefined &&
    (!Number.isInteger(fault.afterTokens) || fault.afterTokens < 0)
  ) {
    throw new Error(`emulator fault: afterTokens must be an integer >= 0 in ${what}`);
  }
};

/** Pending faults, each used for its next `times` matching requests. */
export interface FaultQueue {
  /** Queue faults (validated: a malformed fault throws). */
  add(...faults: EmulatorFault[]): void;
  /** The next `status` or `reset` fault for `step`, used up by this call. */
  takeAnswer(step: EmulatorStep): EmulatorFault | undefined;
  /** The next stream-body fault, used up by this call. */
  takeStream(): EmulatorFault | undefined;
  /** Forget every pending fault. */
  clear(): void;
}

/**
 * Creates an empty {@link FaultQueue}; `checkDialect` refuses faults the emulator's dialect
 * cannot act out (it throws, as a malformed fault does).
 */
export const createFaultQueue = (checkDialect?: (fault: EmulatorFault) => void): FaultQueue => {
  const pending: { fault: EmulatorFault; left: number }[] = [];
  const take = (match: (fault: EmulatorFault) => boolean): EmulatorFault | undefined => {
    const index = pending.findIndex((entry) => match(entry.fault));
    if (index < 0) return undefined;
    const entry = pending[index];
    entry.left -= 1;
    if (entry.left <= 0) pending.splice(index, 1);
    return entry.fault;
  };
  return {
    add: (...faults) => {
      faults.forEach(check);
      if (checkDialect) faults.forEach(checkDialect);
      for (const fault of faults) pending.push({ fault: { ...fault }, left: fault.times ?? 1 });
    },
    takeAnswer: (step) => take((fault) => fault.step === step && !isStreamFault(fault)),
    takeStream: () => take(isStreamFault),
    clear: () => {
      pending.length = 0;
    },
  };
};
