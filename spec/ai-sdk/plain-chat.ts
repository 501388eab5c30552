import { buildSync } from 'esbuild';
import { join } from 'node:path';
import type * as Ai from 'ai';
import type { ChatInit, ChatState, ChatStatus, UIMessage } from 'ai';

// Jest runs the specs as CommonJS, and the AI SDK ships ES modules only (so do some of its
// dependencies): it is bundled into one CommonJS file here, then loaded as any module.
const bundle = join(__dirname, '../../node_modules/.cache/h2o-rx-spec/ai.cjs');
buildSync({
  absWorkingDir: join(__dirname, '../..'),
  entryPoints: ['ai'],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile: bundle,
  logLevel: 'error',
});
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { AbstractChat } = require(bundle) as typeof Ai;

// The state every framework binding of the AI SDK gives its Chat (Angular: signals; React: a
// store): here plain fields, so that a spec reads them as they are after each step.
class PlainState<M extends UIMessage> implements ChatState<M> {
  status: ChatStatus = 'ready';
  error: Error | undefined = undefined;
  messages: M[];
  constructor(messages: M[] = []) {
    this.messages = messages;
  }
  pushMessage = (message: M) => {
    this.messages = [...this.messages, message];
  };
  popMessage = () => {
    this.messages = this.messages.slice(0, -1);
  };
  replaceMessage = (index: number, message: M) => {
    this.messages = this.messages.map((m, i) => (i === index ? message : m));
  };
  snapshot = <T>(thing: T): T => structuredClone(thing);
}

/**
 * The AI SDK's own chat machinery (`AbstractChat`, which `@ai-sdk/angular`'s `Chat` extends
 * the same way) over a plain state.
 */
export class PlainChat<M extends UIMessage = UIMessage> extends AbstractChat<M> {
  constructor({ messages, ...init }: ChatInit<M>) {
    super({ ...init, state: new PlainState<M>(messages) });
  }
}
