import {
  assertInInjectionContext,
  computed,
  DestroyRef,
  EnvironmentProviders,
  inject,
  InjectionToken,
  makeEnvironmentProviders,
  Signal,
  signal,
} from '@angular/core';
import { createH2oChat } from '../chat';
import type { ChatMessage, ChatState, ChatStatus, H2oChat, H2oChatOptions } from '../chat';

/** What {@link provideH2o} gives every chat of the application: `createH2oChat`'s options. */
export type H2oConfig = Omit<H2oChatOptions, 'conversationId'>;

/** The application's {@link H2oConfig}, as {@link provideH2o} gave it. */
export const H2O_CONFIG = new InjectionToken<H2oConfig>('H2O_CONFIG');

/**
 * The server every {@link injectH2oChat} of the application talks to, and how: put it in
 * `ApplicationConfig.providers` (or a route's `providers`).
 *
 * @example
 * bootstrapApplication(App, {
 *   providers: [provideH2o({ baseUrl: location.origin, dialect: 'chat-ui', retry: { count: 2 } })],
 * });
 */
export const provideH2o = (config: H2oConfig): EnvironmentProviders =>
  makeEnvironmentProviders([{ provide: H2O_CONFIG, useValue: config }]);

/** A chat as Angular signals, with the methods of `H2oChat`; see {@link injectH2oChat}. */
export interface H2oChatSignals extends Pick<
  H2oChat,
  'send' | 'regenerate' | 'stop' | 'resume' | 'clearError' | 'newChat'
> {
  /** The whole state. */
  readonly state: Signal<ChatState>;
  /** The messages: text, reasoning, tool and file parts. */
  readonly messages: Signal<readonly ChatMessage[]>;
  /** `'ready'`, `'submitted'`, `'streaming'` or `'error'`. */
  readonly status: Signal<ChatStatus>;
  /** True while a turn runs (`'submitted'` or `'streaming'`): `send` would throw. */
  readonly busy: Signal<boolean>;
  /** The last failure, until the next turn or `clearError()`. */
  readonly error: Signal<unknown>;
  /** The title the server gave the conversation. */
  readonly title: Signal<string | undefined>;
  /** The server conversation, once it is open. */
  readonly conversationId: Signal<string | undefined>;
  /** The chat itself (`state$` for RxJS). */
  readonly chat: H2oChat;
}

/**
 * A chat (`createH2oChat` from `h2o-rx/chat`) whose state is signals, for a component or a
 * service: call it in an injection context (a field initializer, a constructor). Its options
 * are {@link provideH2o}'s, with `options` over them. It is disposed with its injector
 * (`DestroyRef`): a destroyed component stops its running turn, and the server is told to stop
 * generating.
 *
 * @example
 * export class ChatPage {
 *   protected readonly chat = injectH2oChat('llama3');
 *   // in the template: chat.messages(), chat.busy(), (click)="chat.stop()"
 * }
 */
export const injectH2oChat = (model: string, options: H2oChatOptions = {}): H2oChatSignals => {
  assertInInjectionContext(injectH2oChat);
  const config = inject(H2O_CONFIG, { optional: true }) ?? {};
  const chat = createH2oChat(model, { ...config, ...options });
  // Not rxjs-interop's toSignal: this package's CommonJS types cannot name that subpath
  // (moduleResolution node10). dispose() completes state$, which ends the subscription.
  const state = signal(chat.state);
  chat.state$.subscribe((s) => state.set(s));
  inject(DestroyRef).onDestroy(() => chat.dispose());
  const status = computed(() => state().status);
  return {
    state: state.asReadonly(),
    messages: computed(() => state().messages),
    status,
    busy: computed(() => status() === 'submitted' || status() === 'streaming'),
    error: computed(() => state().error),
    title: computed(() => state().title),
    conversationId: computed(() => state().conversationId),
    // The chat's methods use no `this`: they are handed over as they are.
    send: chat.send,
    regenerate: chat.regenerate,
    stop: chat.stop,
    resume: chat.resume,
    clearError: chat.clearError,
    newChat: chat.newChat,
    chat,
  };
};
