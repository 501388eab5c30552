import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { H2oError } from 'h2o-rx';
import {
  catchError,
  endWith,
  map,
  merge,
  type Observable,
  of,
  scan,
  startWith,
  Subject,
  switchMap,
  take,
  takeWhile,
} from 'rxjs';
import { ChatService } from './chat.service';

type Status = 'idle' | 'streaming' | 'done' | 'stopped' | 'error';
interface ChatState {
  status: Status;
  text: string;
  error?: string;
}
type Update =
  | { kind: 'token'; text: string }
  | { kind: 'done' | 'stopped' }
  | { kind: 'error'; message: string };

const describe = (err: unknown): string =>
  err instanceof H2oError ? `${err.name} (${err.step}): ${err.message}` : String(err);

@Component({
  selector: 'app-root',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h1>h2o-rx in Angular</h1>
    <form (submit)="send($event)">
      <input
        id="prompt"
        aria-label="Prompt"
        [value]="prompt()"
        (input)="prompt.set($any($event.target).value)"
      />
      <button id="send" type="submit" [disabled]="state().status === 'streaming'">Send</button>
      <button id="stop" type="button" [disabled]="state().status !== 'streaming'" (click)="stop()">
        Stop
      </button>
    </form>
    <div id="answer" aria-live="polite">{{ state().text }}</div>
    <div id="status" [attr.data-state]="state().status">
      {{ state().error ?? state().status }}
    </div>
  `,
  styles: `
    :host {
      display: block;
      max-width: 44rem;
      margin: 2rem auto;
      padding: 0 1rem;
      font:
        16px/1.5 system-ui,
        sans-serif;
      color: #1d2330;
    }
    form {
      display: flex;
      gap: 0.5rem;
    }
    input {
      flex: 1;
      font: inherit;
      padding: 0.4rem 0.6rem;
    }
    button {
      font: inherit;
      padding: 0.4rem 1rem;
    }
    #answer {
      white-space: pre-wrap;
      border: 1px solid #d5d9e0;
      border-radius: 6px;
      padding: 0.75rem 1rem;
      margin-top: 1rem;
      min-height: 6rem;
      background: #f7f8fa;
    }
    #status {
      margin-top: 0.5rem;
      font-size: 0.9rem;
    }
    #status[data-state='error'] {
      color: #b3261e;
    }
  `,
})
export class App {
  private readonly chat = inject(ChatService);
  private readonly asks = new Subject<string>();
  private readonly stops = new Subject<void>();

  protected readonly prompt = signal('Tell me about RxJS');

  /** The answer so far: each question switches to a new stream (the old one is cancelled). */
  protected readonly state = toSignal(this.asks.pipe(switchMap((prompt) => this.answer$(prompt))), {
    initialValue: { status: 'idle', text: '' } satisfies ChatState as ChatState,
  });

  protected send(event: Event): void {
    event.preventDefault();
    this.asks.next(this.prompt());
  }

  protected stop(): void {
    this.stops.next();
  }

  private answer$(prompt: string): Observable<ChatState> {
    const tokens$: Observable<Update> = this.chat.ask(prompt).pipe(
      map((text): Update => ({ kind: 'token', text })),
      endWith<Update>({ kind: 'done' }),
      catchError((err: unknown) => of<Update>({ kind: 'error', message: describe(err) })),
    );
    const stop$ = this.stops.pipe(
      take(1),
      map((): Update => ({ kind: 'stopped' })),
    );
    return merge(tokens$, stop$).pipe(
      // The first update that is not a token ends the answer; on Stop that unsubscribes from
      // completion$, which aborts the request and sends stop-generating.
      takeWhile((update) => update.kind === 'token', true),
      scan(
        (state: ChatState, update: Update): ChatState =>
          update.kind === 'token'
            ? { ...state, text: state.text + update.text }
            : update.kind === 'error'
              ? { ...state, status: 'error', error: update.message }
              : { ...state, status: update.kind },
        { status: 'streaming', text: '' },
      ),
      startWith<ChatState>({ status: 'streaming', text: '' }),
    );
  }
}
