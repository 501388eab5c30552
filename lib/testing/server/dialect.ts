import type { Exchange } from './exchange';
import type { EmulatorFault, EmulatorStep } from '../types';

/** A server the emulator can impersonate: its routes, and how it fails. */
export interface Dialect {
  /** The step a request is for, if it is one of the protocol's steps. */
  stepOf(method: string, pathname: string): EmulatorStep | undefined;
  /** Answer a request as the real server would. */
  handle(exchange: Exchange): Promise<void>;
  /** Answer with an injected `status` fault, in this server's style. */
  fail(exchange: Exchange, fault: EmulatorFault): void;
  /** Throws for a fault this server cannot act out. */
  checkFault?(fault: EmulatorFault): void;
}
