export { defaultBaseUrl, resolveBaseUrl, resolveFetch, resolveHeaders } from './checks';
export { defaultEndToken, resolveCompletion, resolveSession } from './resolve';
export type {
  CompletionOptions,
  Dialect,
  H2oSession,
  ResolvedCompletion,
  ResolvedSession,
  SessionOptions,
} from './types';
export type { WireBody } from '../http/transport';
