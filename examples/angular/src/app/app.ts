import { ChangeDetectionStrategy, Component, computed, signal } from '@angular/core';
import { JsonPipe } from '@angular/common';
import type { ChatMessage } from 'h2o-rx/chat';
import { injectH2oChat } from 'h2o-rx/angular';
import { model } from './app.config';

@Component({
  selector: 'app-root',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [JsonPipe],
  template: `
    <header>
      <h1>h2o-rx chat</h1>
      <button id="new-chat" type="button" (click)="chat.newChat()">New chat</button>
    </header>
    <ol id="turns">
      @for (question of chat.messages(); track question.id; let i = $index) {
        @if (question.role === 'user') {
          @let answer = chat.messages()[i + 1];
          <li class="turn" [attr.data-status]="answer?.state">
            <p class="question">{{ textOf(question) }}</p>
            @for (part of question.parts; track $index) {
              @if (part.type === 'file') {
                <p class="attachment">{{ part.filename }}</p>
              }
            }
            @for (part of answer?.parts; track $index) {
              @switch (part.type) {
                @case ('reasoning') {
                  <details class="reasoning" open>
                    <summary>Reasoning</summary>
                    {{ part.text }}
                  </details>
                }
                @case ('tool') {
                  <p class="tool" [attr.data-state]="part.state">
                    {{ part.toolName }}({{ part.input | json }}) →
                    {{ part.errorText ?? (part.output | json) }}
                  </p>
                }
                @case ('file') {
                  <img class="file" [src]="part.url" [alt]="part.filename" />
                }
              }
            }
            <p class="answer" aria-live="polite">{{ answer ? textOf(answer) : '' }}</p>
            @if (answer?.state === 'error') {
              <p class="error" role="alert">{{ answer?.error }}</p>
            } @else if (answer?.state === 'stopped') {
              <p class="note">Stopped.</p>
            }
          </li>
        }
      } @empty {
        <li class="empty">Ask anything: the server keeps the conversation.</li>
      }
    </ol>
    <form (submit)="send($event, picker)">
      <input
        id="question"
        aria-label="Question"
        autocomplete="off"
        [value]="draft()"
        (input)="draft.set($any($event.target).value)"
      />
      <input
        #picker
        id="files"
        type="file"
        accept="image/*"
        multiple
        aria-label="Images"
        (change)="files.set(picker.files ? [...picker.files] : [])"
      />
      <button id="send" type="submit" [disabled]="chat.busy() || draft().trim() === ''">
        Send
      </button>
      <button id="stop" type="button" [disabled]="!chat.busy()" (click)="chat.stop()">Stop</button>
      <button
        id="regenerate"
        type="button"
        [disabled]="chat.busy() || chat.messages().length === 0"
        (click)="chat.regenerate()"
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
    .reasoning,
    .tool {
      margin: 0 0 0.25rem;
      font-size: 0.9rem;
      color: #4b5563;
      white-space: pre-wrap;
    }
    .file {
      max-width: 12rem;
      display: block;
    }
    .attachment {
      margin: 0 0 0.25rem auto;
      width: fit-content;
      font-size: 0.85rem;
    }
    #files {
      max-width: 8rem;
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
  /** The chat: its turns on one server conversation; New chat starts another. */
  protected readonly chat = injectH2oChat(model);
  protected readonly draft = signal('');
  protected readonly status = computed(() => this.chat.messages().at(-1)?.state ?? 'idle');

  protected readonly files = signal<File[]>([]);

  protected send(event: Event, picker: HTMLInputElement): void {
    event.preventDefault();
    if (this.draft().trim() === '' || this.chat.busy()) return;
    const files = this.files();
    this.chat.send(this.draft().trim(), files.length > 0 ? { files } : undefined);
    this.draft.set('');
    this.files.set([]);
    picker.value = '';
  }

  protected textOf(message: ChatMessage): string {
    return message.parts.map((part) => (part.type === 'text' ? part.text : '')).join('');
  }
}
