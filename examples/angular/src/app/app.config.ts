import { ApplicationConfig, provideBrowserGlobalErrorListeners } from '@angular/core';
import { provideH2o } from 'h2o-rx/angular';

// The page's own origin (the real server has no CORS); `?dialect=chat-ui&model=llama3` for
// today's chat-ui. A stalled attempt times out, and a retryable failure before the answer shows
// anything is tried again.
const query = new URLSearchParams(location.search);
export const model = query.get('model') ?? 'falcon-40b';

export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    provideH2o({
      baseUrl: location.origin,
      dialect: query.get('dialect') === 'chat-ui' ? 'chat-ui' : 'h2o',
      retry: { count: 2 },
      timeout: { first: 30_000, each: 10_000 },
    }),
  ],
};
