import { Injectable, InjectionToken, inject } from '@angular/core';
import { completion$, h2oRetry, type Message } from 'h2o-rx';
import { type Observable, timeout } from 'rxjs';

/** The chat server. In the browser it must be the page's own origin: the real server has no CORS. */
export const H2O_BASE_URL = new InjectionToken<string>('H2O_BASE_URL', {
  providedIn: 'root',
  factory: () => location.origin,
});

/** Streams answers from the chat server, one cold Observable per question. */
@Injectable({ providedIn: 'root' })
export class ChatService {
  private readonly baseUrl = inject(H2O_BASE_URL);

  /**
   * The answer's tokens as they arrive. Nothing is sent until it is subscribed to;
   * unsubscribing aborts the request and tells the server to stop generating.
   */
  ask(prompt: string, model = 'falcon-40b'): Observable<string> {
    const messages: Message[] = [{ role: 'user', content: prompt }];
    return completion$(model, messages, { baseUrl: this.baseUrl }).pipe(
      // A stalled attempt times out, and a retryable failure before the first token runs the
      // whole handshake again; a failure after it is shown (the tokens would be seen twice).
      timeout({ first: 30_000, each: 10_000 }),
      h2oRetry({ count: 2 }),
    );
  }
}
