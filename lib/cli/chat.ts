import {
  concat,
  concatMap,
  defer,
  EMPTY,
  finalize,
  ignoreElements,
  type MonoTypeOperatorFunction,
  type Observable,
  Subject,
  switchMap,
  timeout,
} from 'rxjs';
import {
  type CompletionEvent,
  defaultBaseUrl,
  h2oRetry,
  openConversation,
  openSession,
} from '../index';
import { type Emulator, startEmulator } from '../testing';
import type { Values } from './args';
import { asideTarget } from './aside';
import { type AnswerContext, writeAnswer$ } from './chat-answer';
import { chatCommands, type ChatInput, parseChatLine } from './chat-input';
import { type ChatTerminal, openTerminal } from './chat-terminal';
import { chatTurns, type ChatTurns } from './chat-turns';
import { emulatorOptions } from './emulator';
import { openedOnce } from './opened-once';
import { conversationOptions, reliabilityOptions } from './options';

/**
 * The session: the lines read one at a time, in order (lines typed during an answer wait for
 * it), until Ctrl-D, the end of input, /exit or SIGTERM; resolves to the exit status. Ctrl-C
 * stops the answer being written, never the program; with no answer running it drops the line
 * being typed (on a terminal) or ends the session with 130 (reading a pipe).
 */
export const converse = (
  turns: ChatTurns,
  terminal: ChatTerminal,
  aside: AnswerContext['aside'],
): Promise<number> =>
  new Promise<number>((resolve) => {
    const answerInterrupts = new Subject<void>();
    let answering = false;
    let status: number | undefined;
    const leave = (code: number) => {
      status ??= code;
      terminal.endInput();
    };
    const interrupts = terminal.interrupts$.subscribe(() => {
      if (answering) answerInterrupts.next();
      else if (terminal.interactive) terminal.discardLine('(Ctrl-D or /exit ends the session)');
      else leave(130);
    });
    const terminations = terminal.terminations$.subscribe(() => {
      leave(143);
      if (answering) answerInterrupts.next();
    });
    const answer$ = (events$: Observable<CompletionEvent>) =>
      defer(() => {
        answering = true;
        const context = { terminal, interrupts$: answerInterrupts, aside };
        return writeAnswer$(events$, context).pipe(
          ignoreElements(),
          finalize(() => (answering = false)),
        );
      });
    const step$ = (input: ChatInput): Observable<never> => {
      switch (input.kind) {
        case 'ask':
          return answer$(turns.ask$(input.text));
        case 'retry':
          if (turns.started) return answer$(turns.regenerate$());
          terminal.note('(nothing to retry yet)');
          return EMPTY;
        case 'new':
          turns.reset();
          terminal.note('(new conversation)');
          return EMPTY;
        case 'exit':
          leave(0);
          return EMPTY;
        case 'help':
          terminal.note(chatCommands);
          return EMPTY;
        case 'unknown':
          terminal.note(`unknown command ${input.command} (/help lists them)`);
          return EMPTY;
        case 'blank':
          return EMPTY;
      }
    };
    const prompt$ = defer(() => {
      terminal.prompt();
      return EMPTY;
    });
    terminal.lines$
      .pipe(
        concatMap((line) =>
          // Lines read before /exit or SIGTERM but not yet taken are dropped.
          defer(() => (status === undefined ? concat(step$(parseChatLine(line)), prompt$) : EMPTY)),
        ),
      )
      .subscribe({
        complete: () => {
          interrupts.unsubscribe();
          terminations.unsubscribe();
          terminal.close();
          resolve(status ?? 0);
        },
      });
    terminal.prompt();
  });

/** `h2o-rx chat`: an interactive conversation on a terminal; resolves to the exit status. */
export const runChat = async (values: Values): Promise<number> => {
  const options = conversationOptions(values, values['base-url']);
  const model = values.model ?? 'falcon-40b';
  const { retries, first, each } = reliabilityOptions(values);
  // Check the emulator's options before starting it.
  const emulatorSettings = values.emulator ? emulatorOptions(values, 0) : undefined;
  let emulator: Emulator | undefined;
  try {
    if (emulatorSettings) {
      emulator = await startEmulator(emulatorSettings);
      options.baseUrl = emulator.url;
    }
    const guard =
      <T>(): MonoTypeOperatorFunction<T> =>
      (source) =>
        source.pipe(timeout({ first, each }), h2oRetry({ count: retries }));
    // One session for every conversation of the run: /new costs one request, and the
    // conversations stay together in the user's history on the server.
    const { baseUrl, dialect, headers } = options;
    const session$ = openSession({ baseUrl, dialect, headers, model }).pipe(guard(), openedOnce());
    const open = () =>
      session$.pipe(
        switchMap((session) => openConversation(model, { ...options, session })),
        guard(),
      );
    const terminal = openTerminal();
    if (terminal.interactive) {
      const where = `${baseUrl ?? defaultBaseUrl} (${dialect ?? 'h2o'})`;
      terminal.note(`h2o-rx chat with ${model} on ${where}. /help lists the commands.`);
    }
    const aside = values.quiet
      ? ({ aside: 'none', dim: false } as const)
      : asideTarget(process.stdout, process.stderr);
    return await converse(chatTurns(open, guard()), terminal, aside);
  } finally {
    await emulator?.close();
  }
};
