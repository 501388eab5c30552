import { Observable, tap } from 'rxjs';
import { type CompletionEvent, h2oText } from '../index';
import { answerPrinter, type PrinterOptions, type Writes } from './aside';
import type { ChatTerminal } from './chat-terminal';
import { describe } from './output';
import { cancelAnswer } from './stop-wait';
import { growth } from './text-growth';

/** How one answer of `h2o-rx chat` ended. */
export type AnswerEnd = 'done' | 'stopped' | 'failed';

/** What an answer is written with. */
export interface AnswerContext {
  terminal: Pick<ChatTerminal, 'write' | 'writeError' | 'note'>;
  /** Ctrl-C while this answer is written. */
  interrupts$: Observable<void>;
  /** Where reasoning and tool calls are shown (`asideTarget`), and whether dimmed. */
  aside: Pick<PrinterOptions, 'aside' | 'dim'>;
}

/**
 * Writes one answer as it grows (through `h2oText`, so the server's final text has the last
 * word), with the model's reasoning and tool calls beside it as the one-shot command shows
 * them, then emits how it ended and completes. A failure is one line on stderr: the session
 * goes on. Ctrl-C unsubscribes (the request aborted, stop-generating sent) and waits, at most
 * 2 s, for the server to hear the stop before it ends, so that the next turn follows the
 * partial answer the server kept; a second Ctrl-C ends it at once.
 */
export const writeAnswer$ = (
  events$: Observable<CompletionEvent>,
  { terminal, interrupts$, aside }: AnswerContext,
): Observable<AnswerEnd> =>
  new Observable<AnswerEnd>((subscriber) => {
    let shown = '';
    let stopping = false;
    // The answer's text passes the printer as tokens, so that it and the asides keep their lines.
    const printer = answerPrinter({ ...aside, wholeAnswer: false });
    const show = ({ out, err }: Writes) => {
      terminal.write(out);
      terminal.writeError(err);
    };
    const text = (chunk: string) => show(printer.event({ type: 'token', text: chunk }));
    const end = (how: AnswerEnd) => {
      subscriber.next(how);
      subscriber.complete();
    };
    const endLine = () => show(printer.end());
    const asides = tap((e: CompletionEvent) => {
      if (e.type !== 'token' && e.type !== 'done') show(printer.event(e));
    });
    const answer = events$.pipe(asides, h2oText()).subscribe({
      next: (whole) => {
        const next = growth(shown, whole);
        if ('append' in next) {
          text(next.append);
        } else {
          endLine();
          terminal.note('(the server corrected the answer:)');
          text(next.rewrite);
        }
        shown = whole;
      },
      error: (err: unknown) => {
        endLine();
        terminal.note(`h2o-rx: ${describe(err)}`);
        end('failed');
      },
      complete: () => {
        endLine();
        end('done');
      },
    });
    const interrupt = interrupts$.subscribe(() => {
      if (stopping) return end('stopped');
      stopping = true;
      const heard = cancelAnswer(answer);
      endLine();
      terminal.note('(stopped)');
      void heard.then(() => end('stopped'));
    });
    return () => {
      answer.unsubscribe();
      interrupt.unsubscribe();
    };
  });
