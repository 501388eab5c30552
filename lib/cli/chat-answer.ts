import { Observable } from 'rxjs';
import { type CompletionEvent, h2oText } from '../index';
import type { ChatTerminal } from './chat-terminal';
import { describe } from './output';
import { cancelAnswer } from './stop-wait';
import { growth } from './text-growth';

/** How one answer of `h2o-rx chat` ended. */
export type AnswerEnd = 'done' | 'stopped' | 'failed';

/** What an answer is written with. */
export interface AnswerContext {
  terminal: Pick<ChatTerminal, 'write' | 'note'>;
  /** Ctrl-C while this answer is written. */
  interrupts$: Observable<void>;
}

/**
 * Writes one answer as it grows (through `h2oText`, so the server's final text has the last
 * word), then emits how it ended and completes. A failure is one line on stderr: the session
 * goes on. Ctrl-C unsubscribes (the request aborted, stop-generating sent) and waits, at most
 * 2 s, for the server to hear the stop before it ends, so that the next turn follows the
 * partial answer the server kept; a second Ctrl-C ends it at once.
 */
export const writeAnswer$ = (
  events$: Observable<CompletionEvent>,
  { terminal, interrupts$ }: AnswerContext,
): Observable<AnswerEnd> =>
  new Observable<AnswerEnd>((subscriber) => {
    let shown = '';
    let stopping = false;
    const end = (how: AnswerEnd) => {
      subscriber.next(how);
      subscriber.complete();
    };
    const endLine = () => {
      if (shown !== '' && !shown.endsWith('\n')) terminal.write('\n');
    };
    const answer = events$.pipe(h2oText()).subscribe({
      next: (text) => {
        const next = growth(shown, text);
        if ('append' in next) {
          terminal.write(next.append);
        } else {
          endLine();
          terminal.note('(the server corrected the answer:)');
          terminal.write(next.rewrite);
        }
        shown = text;
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
