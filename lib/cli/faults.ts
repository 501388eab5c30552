import type { EmulatorFault, EmulatorStep } from '../testing';
import { UsageError } from './usage';

type FaultKind = NonNullable<EmulatorFault['kind']>;

// Records over the public types: the compiler insists on every step and kind, and on no other,
// so the grammar follows the emulator without importing its internals.
const steps: Record<EmulatorStep, true> = {
  session: true,
  settings: true,
  conversation: true,
  stream: true,
  stop: true,
  delete: true,
  resume: true,
  models: true,
};
const kinds: Record<FaultKind, true> = {
  drop: true,
  'backend-drop': true,
  stall: true,
  malformed: true,
  'error-event': true,
  'no-final': true,
  rerun: true,
  reset: true,
};

const isStep = (word: string): word is EmulatorStep => Object.hasOwn(steps, word);
const isKind = (word: string): word is FaultKind => Object.hasOwn(kinds, word);

/** `conversation:503x2`, `stream:drop@3`, `session:reset`: see --help. */
export const parseFault = (spec: string): EmulatorFault => {
  const match = /^([a-z]+):([a-z-]+|\d{3})(?:@(\d+))?(?:x(\d+))?$/.exec(spec);
  if (!match || !isStep(match[1])) {
    throw new UsageError(`--fault is STEP:STATUS or STEP:KIND[@AFTER][xTIMES], got '${spec}'`);
  }
  const [, step, what, after, times] = match;
  const fault: EmulatorFault = { step };
  if (/^\d{3}$/.test(what)) fault.status = Number(what);
  else if (isKind(what)) fault.kind = what;
  else {
    const known = Object.keys(kinds).join(', ');
    throw new UsageError(`--fault: unknown kind '${what}' (one of ${known})`);
  }
  if (after !== undefined) fault.afterTokens = Number(after);
  if (times !== undefined) fault.times = Number(times);
  return fault;
};
