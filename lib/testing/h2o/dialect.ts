import { randomUUID } from 'node:crypto';
import { readCookie, SESSION_COOKIE } from '../server/cookie';
import type { Dialect } from '../dialect';
import { endpointError, faultAnswer, withCookie } from './answers';
import { runHook } from './hook';
import { h2oResources, matchResource } from './routes';
import { createStore } from '../shared/sessions';
import type { StoreLimits } from '../shared/lru';

/** Dialect `h2o`: HuggingFace chat-ui as of mid-2023 (what gpt-gm.h2o.ai ran) in front of TGI. */
export const createH2oDialect = (limits?: StoreLimits): Dialect => {
  const store = createStore(limits);
  const resources = h2oResources(store);
  return {
    stepOf: (method, pathname) =>
      matchResource(resources, pathname)?.resource.methods[method]?.step,
    handle: async (x) => {
      const session = runHook(x, store);
      if (!session) return;
      const found = matchResource(resources, x.pathname);
      if (!found) return x.send(withCookie(session, endpointError(x, 404, 'Not Found')));
      const { methods } = found.resource;
      // SvelteKit answers HEAD as GET without the body (Node drops the body itself).
      const route = methods[x.method] ?? (x.method === 'HEAD' ? methods.GET : undefined);
      if (!route) {
        const allow = found.resource.allow ?? Object.keys(methods).join(', ');
        return x.send(
          withCookie(session, {
            status: 405,
            headers: { allow, 'content-type': 'text/plain;charset=UTF-8' },
            body: `${x.method} method not allowed`,
          }),
        );
      }
      await route.handle(x, session, found.params);
    },
    fail: (x, fault) => {
      const sessionId = readCookie(x.req.headers.cookie, SESSION_COOKIE) || randomUUID();
      x.send(faultAnswer(x, fault, sessionId));
    },
  };
};
