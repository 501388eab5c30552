import { faultAnswer, faultSkipsCookie, messageError, respond } from './answers';
import { runChatUiHook, sessionOf } from './hook';
import { chatUiResources } from './routes';
import type { ChatUiSettings } from './settings';
import { createChatUiStore } from './store';
import type { StoreLimits } from '../shared/lru';
import type { Dialect } from '../server/dialect';
import { matchResource } from '../h2o/routes';

/** Dialect `chat-ui`: HuggingFace chat-ui as of today (v0.20), in front of an OpenAI-style backend. */
export const createChatUiDialect = (settings: ChatUiSettings, limits: StoreLimits): Dialect => {
  const store = createChatUiStore(settings.models[0].id, limits);
  const resources = chatUiResources(store, settings);
  return {
    stepOf: (method, pathname) =>
      matchResource(resources, pathname)?.resource.methods[method]?.step,
    handle: async (x) => {
      const session = runChatUiHook(x);
      if (!session) return;
      const found = matchResource(resources, x.pathname);
      if (!found) return respond(x, session, messageError(x, 404, 'Not Found'));
      const { methods } = found.resource;
      // SvelteKit answers HEAD as GET without the body (Node drops the body itself).
      const route = methods[x.method] ?? (x.method === 'HEAD' ? methods.GET : undefined);
      if (!route) {
        return respond(x, session, {
          status: 405,
          headers: {
            allow: Object.keys(methods).join(', '),
            'content-type': 'text/plain;charset=UTF-8',
          },
          body: `${x.method} method not allowed`,
        });
      }
      await route.handle(x, session, found.params);
    },
    fail: (x, fault) => {
      const answer = faultAnswer(x, fault);
      respond(x, faultSkipsCookie(answer.status) ? undefined : sessionOf(x), answer);
    },
  };
};
