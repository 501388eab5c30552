import type { Exchange } from './exchange';
import { createH2oDialect } from './h2o-dialect';
import type { EmulatorFault, EmulatorOptions, EmulatorStep } from './types';

/** A server the emulator can impersonate: its routes, and how it fails. */
export interface Dialect {
  /** The step a request is for, if it is one of the protocol's steps. */
  stepOf(method: string, pathname: string): EmulatorStep | undefined;
  /** Answer a request as the real server would. */
  handle(exchange: Exchange): Promise<void>;
  /** Answer with an injected `status` fault, in this server's style. */
  fail(exchange: Exchange, fault: EmulatorFault): void;
}

/** The dialect an emulator speaks; throws for one not implemented yet. */
export const createDialect = (name: NonNullable<EmulatorOptions['dialect']>): Dialect => {
  if (name === 'h2o') return createH2oDialect();
  throw new Error(
    `startEmulator: dialect '${String(name)}' is not implemented yet (only 'h2o' is)`,
  );
};
