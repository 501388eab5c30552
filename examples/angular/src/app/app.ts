import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { concatMap, map, merge, type Observable, scan, startWith, Subject, switchMap } from 'rxjs';
import { type Chat, ChatService } from './chat.service';
import { asked, type ChatView, emptyChat, isBusy, regenerating } from './chat-view';
import { turnChanges } from './turn-changes';

@Component({
  selector: 'app-root',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <header>
      <h1>h2o-rx chat</h1>
      <button id="new-chat" type="button" (click)="newChat()">New chat</button>
    </header>
    <ol id="turns">
      @for (turn of view().turns; track $index) {
        <li class="turn" [attr.data-status]="turn.status">
          <p class="question">{{ turn.question }}</p>
          <p class="answer" aria-live="polite">{{ turn.answer }}</p>
          @if (turn.error) {
            <p class="error" role="alert">{{ turn.error }}</p>
          } @else if (turn.status === 'stopped') {
            <p class="note">Stopped.</p>
          }
        </li>
      } @empty {
        <li class="empty">Ask anything: the server keeps the conversation.</li>
      }
    </ol>
    <form (submit)="send($event)">
      <input
        id="question"
        aria-label="Question"
        autocomplete="off"
        [value]="draft()"
        (input)="draft.set($any($event.target).value)"
      />
      <button id="send" type="submit" [disabled]="busy() || draft().trim() === ''">Send</button>
      <button id="stop" type="button" [disabled]="!busy()" (click)="stop()">Stop</button>
      <button
        id="regenerate"
        type="button"
        [disabled]="busy() || view().turns.length === 0"
        (click)="regenerate()"
      >
        Regenerate
      </button>
    </form>
    <div id="status" [attr.data-state]="status()">{{ status() }}</div>
  `,
  styles: `
    :host {
      display: block;
      max-width: 44rem;
      margin: 1.5rem auto;
      padding: 0 1rem;
      font:
        16px/1.5 system-ui,
        sans-serif;
      color: #1d2330;
    }
    header,
    form {
      display: flex;
      gap: 0.5rem;
      align-items: center;
    }
    h1 {
      flex: 1;
      font-size: 1.4rem;
    }
    ol {
      list-style: none;
      padding: 0;
    }
    .turn {
      margin: 0 0 0.75rem;
    }
    .question {
      margin: 0 0 0.25rem auto;
      width: fit-content;
      max-width: 80%;
      padding: 0.4rem 0.8rem;
      border-radius: 12px;
      background: #dbe7ff;
    }
    .answer {
      margin: 0;
      white-space: pre-wrap;
      min-height: 1.5rem;
      padding: 0.5rem 0.8rem;
      border: 1px solid #d5d9e0;
      border-radius: 12px;
      background: #f7f8fa;
    }
    [data-status='streaming'] .answer:empty::after {
      content: '…';
    }
    .error,
    .note {
      margin: 0.25rem 0 0;
      font-size: 0.9rem;
    }
    .error {
      color: #b3261e;
    }
    .empty {
      color: #6b7280;
    }
    input {
      flex: 1;
      font: inherit;
      padding: 0.4rem 0.6rem;
    }
    button {
      font: inherit;
      padding: 0.4rem 0.9rem;
    }
    #status {
      margin-top: 0.5rem;
      font-size: 0.85rem;
      color: #6b7280;
    }
  `,
})
export class App {
  private readonly chats = inject(ChatService);
  private readonly questions = new Subject<string>();
  private readonly regenerations = new Subject<void>();
  private readonly stops = new Subject<void>();
  private readonly newChats = new Subject<void>();

  protected readonly draft = signal('');

  /** The chat on the page. New chat starts another conversation and stops a running turn. */
  protected readonly view = toSignal(
    this.newChats.pipe(
      startWith(undefined),
      switchMap(() => this.chat$(this.chats.newChat())),
    ),
    { initialValue: emptyChat },
  );
  protected readonly busy = computed(() => isBusy(this.view()));
  protected readonly status = computed(() => this.view().turns.at(-1)?.status ?? 'idle');

  protected send(event: Event): void {
    event.preventDefault();
    const question = this.draft().trim();
    if (question === '' || this.busy()) return;
    this.draft.set('');
    this.questions.next(question);
  }

  protected stop(): void {
    this.stops.next();
  }

  protected regenerate(): void {
    this.regenerations.next();
  }

  protected newChat(): void {
    this.newChats.next();
  }

  /** One chat's view: its turns one at a time, each a stream of changes. */
  private chat$(chat: Chat): Observable<ChatView> {
    const turns$ = merge(
      this.questions.pipe(
        map((question) => turnChanges(asked(question), chat.ask$(question), this.stops)),
      ),
      this.regenerations.pipe(map(() => turnChanges(regenerating, chat.regenerate$(), this.stops))),
    );
    return turns$.pipe(
      concatMap((changes$) => changes$),
      scan((view: ChatView, change) => change(view), emptyChat),
      startWith(emptyChat),
    );
  }
}
