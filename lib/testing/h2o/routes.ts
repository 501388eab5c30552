import type { Exchange } from '../server/exchange';
import { empty, endpointError, json, parseJson, withCookie, type H2oSession } from './answers';
import { settingsRoute } from './settings';
import { h2oModelIds, isServedModel } from './models';
import { streamRoute } from './stream';
import { createStops, type Stops } from './stops';
import { parseObjectId } from '../shared/object-id';
import { negotiateUntrimmed } from '../server/negotiate';
import {
  conversationNode,
  dataJson,
  errorNode,
  layoutNode,
  SKIP_NODE,
  wantedNodes,
} from './page-data';
import { conversationPage, errorPage, homePage } from '../server/pages';
import type { Store } from '../shared/sessions';
import type { EmulatorStep } from '../types';

type Handler = (x: Exchange, session: H2oSession, params: string[]) => Promise<void> | void;

/** A path of the server and what each method does there. */
interface Resource {
  pattern: RegExp;
  methods: Record<string, { step?: EmulatorStep; handle: Handler }>;
  /** The Allow header of a 405, when it differs from the methods handled here. */
  allow?: string;
}

/** The routes of dialect `h2o` (chat-ui as of mid-2023), over one store. */
export const h2oResources = (store: Store): Resource[] => {
  // Made at the first request: the settings come with it.
  let stops: Stops | undefined;
  const stopsOf = (x: Exchange) => (stops ??= createStops(x.settings.stopCheckMs));
  const fail = (x: Exchange, session: H2oSession, status: number, message: string) =>
    x.send(withCookie(session, endpointError(x, status, message)));

  // Every route keyed by a conversation id checks it the same way: malformed 500, else 404.
  const owned = (x: Exchange, session: H2oSession, rawId: string) => {
    const id = parseObjectId(rawId);
    if (!id) return void fail(x, session, 500, 'Internal Error');
    const conversation = store.ownedConversation(id, session.id);
    if (!conversation) return void fail(x, session, 404, 'Conversation not found');
    return conversation;
  };

  const home: Handler = async (x, session) => {
    const file = await x.staticIndex();
    x.send(
      withCookie(session, {
        status: 200,
        headers: { 'content-type': file?.contentType ?? 'text/html' },
        body: file?.body ?? homePage(),
      }),
    );
  };

  const createConversation: Handler = (x, session) => {
    const body = parseJson(x.body) as Record<string, unknown> | undefined;
    if (typeof body !== 'object' || body === null || !isServedModel(body.model)) {
      return fail(x, session, 500, 'Internal Error');
    }
    const conversation = store.createConversation(session.id, body.model);
    x.send(withCookie(session, json(200, { conversationId: conversation.id }, true)));
  };

  const conversationGet: Handler = (x, session, [rawId]) => {
    // SvelteKit serves the page only to a client that prefers HTML; others reach the endpoint,
    // which has no GET.
    const accept = x.req.headers.accept ?? '*/*';
    if (negotiateUntrimmed(accept, ['*', 'text/html']) !== 'text/html') {
      return x.send(
        withCookie(session, {
          status: 405,
          headers: { allow: 'POST, PATCH, DELETE', 'content-type': 'text/plain;charset=UTF-8' },
          body: 'GET method not allowed',
        }),
      );
    }
    const id = parseObjectId(rawId);
    const conversation = id && store.ownedConversation(id, session.id);
    x.send(
      withCookie(session, {
        status: conversation ? 200 : 404,
        headers: { 'content-type': conversation ? 'text/html' : 'text/html; charset=utf-8' },
        body: conversation
          ? conversationPage(conversation.title)
          : errorPage(404, 'Conversation not found'),
      }),
    );
  };

  const rename: Handler = (x, session, [rawId]) => {
    const body = parseJson(x.body) as Record<string, unknown> | undefined;
    const title = typeof body?.title === 'string' ? body.title.trim() : '';
    if (title === '' || title.length > 100) return fail(x, session, 500, 'Internal Error');
    const conversation = owned(x, session, rawId);
    if (!conversation) return;
    conversation.title = title;
    x.send(withCookie(session, empty(200)));
  };

  const remove: Handler = (x, session, [rawId]) => {
    const conversation = owned(x, session, rawId);
    if (!conversation) return;
    store.deleteConversation(conversation.id);
    x.send(withCookie(session, empty(200)));
  };

  const stop: Handler = (x, session, [rawId]) => {
    const conversation = owned(x, session, rawId);
    if (!conversation) return;
    // Recorded only: the streams read the records at their next token, once the server's
    // loop has seen them.
    stopsOf(x).record(conversation.id);
    x.send(withCookie(session, empty(200)));
  };

  // SvelteKit's page data: the layout node, then the page's; either skipped when not wanted.
  const pageData = (x: Exchange, session: H2oSession, page: (x: Exchange) => string) => {
    const [layout, own] = wantedNodes(new URL(x.req.url ?? '/', 'http://e').search, 2);
    const saved = store.session(session.id);
    const nodes = [
      layout ? layoutNode(saved, store.conversationsOf(session.id)) : SKIP_NODE,
      own ? page(x) : SKIP_NODE,
    ];
    x.send(
      withCookie(session, {
        status: 200,
        headers: { 'cache-control': 'private, no-store', 'content-type': 'application/json' },
        body: dataJson(nodes),
      }),
    );
  };

  const conversationData: Handler = (x, session, [rawId]) =>
    pageData(x, session, () => {
      const id = parseObjectId(rawId);
      const conversation = id && store.ownedConversation(id, session.id);
      return conversation
        ? conversationNode(conversation, `http://${x.req.headers.host ?? 'localhost'}`)
        : errorNode(404, 'Conversation not found');
    });

  // The home page has no load of its own: its node is null.
  const homeData: Handler = (x, session) => pageData(x, session, () => 'null');

  const listModels: Handler = (x, session) =>
    x.send(
      withCookie(
        session,
        json(
          200,
          h2oModelIds.map((id) => ({ id, name: id })),
        ),
      ),
    );

  return [
    { pattern: /^\/$/, methods: { GET: { step: 'session', handle: home } } },
    {
      pattern: /^\/settings$/,
      methods: { POST: { step: 'settings', handle: (x, s) => settingsRoute(x, s, store) } },
    },
    {
      pattern: /^\/conversation$/,
      methods: {
        POST: { step: 'conversation', handle: createConversation },
        GET: { handle: (x, session) => x.send(withCookie(session, empty(302, { location: '/' }))) },
      },
    },
    {
      pattern: /^\/conversation\/([^/]+)$/,
      methods: {
        POST: { step: 'stream', handle: (x, s, [id]) => streamRoute(x, s, store, stopsOf(x), id) },
        DELETE: { step: 'delete', handle: remove },
        PATCH: { handle: rename },
        GET: { handle: conversationGet },
      },
      allow: 'POST, PATCH, DELETE',
    },
    { pattern: /^\/__data\.json$/, methods: { GET: { handle: homeData } } },
    {
      pattern: /^\/conversation\/([^/]+)\/__data\.json$/,
      methods: { GET: { handle: conversationData } },
    },
    {
      pattern: /^\/conversation\/([^/]+)\/stop-generating$/,
      methods: { POST: { step: 'stop', handle: stop } },
    },
    { pattern: /^\/api\/models$/, methods: { GET: { step: 'models', handle: listModels } } },
  ];
};

/** The resource and path parameters `pathname` matches, if any. */
export const matchResource = <R extends { pattern: RegExp }>(
  resources: R[],
  pathname: string,
): { resource: R; params: string[] } | undefined => {
  for (const resource of resources) {
    const match = resource.pattern.exec(pathname);
    if (!match) continue;
    const params = match.slice(1).map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
    return { resource, params };
  }
  return undefined;
};
