export {
  defaultBaseUrl,
  resolveBaseUrl,
  resolveFetch,
  resolveHeaders,
  resolveSignal,
} from './checks';
export {
  checkContent,
  defaultEndToken,
  promptInputs,
  resolveCompletion,
  resolveSession,
} from './resolve';
export type {
  CompletionOptions,
  Dialect,
  H2oSession,
  ResolvedCompletion,
  ResolvedSession,
  SessionOptions,
} from './types';
export type { WireBody } from '../http/transport';
