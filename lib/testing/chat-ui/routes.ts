import {
  CORS_HEADERS,
  emptyAnswer,
  jsonAnswer,
  messageError,
  respond,
  unexpectedError,
  type ChatUiSession,
} from './answers';
import { modelEntry, modelSummary } from './models';
import type { ChatUiSettings } from './settings';
import { superjson } from './superjson';
import type { ChatUiConversation, ChatUiStore } from './store';
import { resumeRoute } from './resume';
import { streamRoute } from './stream';
import { findMessage } from './tree';
import {
  conversationListView,
  conversationV1View,
  conversationView,
  userSettingsView,
} from './views';
import type { Exchange } from '../server/exchange';
import { parseJson } from '../h2o/answers';
import { parseObjectId } from '../shared/object-id';
import { conversationPage, errorPage, homePage } from '../server/pages';
import type { EmulatorStep } from '../types';

type Handler = (x: Exchange, session: ChatUiSession, params: string[]) => Promise<void> | void;

/** A path of the server and what each method does there. */
export interface ChatUiResource {
  pattern: RegExp;
  methods: Record<string, { step?: EmulatorStep; handle: Handler }>;
}

const NO_ACCESS =
  "You don't have access to this conversation. If someone gave you this link, ask them to use the 'share' feature instead.";

/** The routes of dialect `chat-ui` (chat-ui v0.20), over one store. */
export const chatUiResources = (store: ChatUiStore, settings: ChatUiSettings): ChatUiResource[] => {
  const fail = (x: Exchange, session: ChatUiSession, status: number, message: string) =>
    respond(x, session, messageError(x, status, message));
  const api = (x: Exchange, status: number, value: unknown) =>
    respond(x, undefined, jsonAnswer(status, value, CORS_HEADERS));
  const record = (value: unknown) =>
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;

  // The routes under /conversation/:id check the id the same way: malformed 500, else 404.
  const owned = (x: Exchange, session: ChatUiSession, rawId: string) => {
    const id = parseObjectId(rawId);
    if (!id) return void respond(x, session, unexpectedError(x));
    const conversation = store.conversation(id);
    if (conversation?.sessionId === session.id) return conversation;
    fail(x, session, 404, 'Conversation not found');
  };

  // The API's own checks, with their own messages: format 400, unknown 404, another's 403.
  const readable = (x: Exchange, session: ChatUiSession, rawId: string) => {
    if (!/^[0-9a-f]{24}$/i.test(rawId)) {
      return void api(x, 400, { message: 'Invalid conversation ID format' });
    }
    const conversation = store.conversation(rawId.toLowerCase());
    if (!conversation) return void api(x, 404, { message: 'Conversation not found.' });
    if (conversation.sessionId !== session.id) return void api(x, 403, { message: NO_ACCESS });
    return conversation;
  };

  const home: Handler = async (x) => {
    const file = await x.staticIndex();
    respond(x, undefined, {
      status: 200,
      headers: { 'content-type': file?.contentType ?? 'text/html' },
      body: file?.body ?? homePage(),
    });
  };

  const saveSettings: Handler = (x, session) => {
    const body = record(parseJson(x.body));
    const valid =
      body !== undefined &&
      (body.activeModel === undefined || typeof body.activeModel === 'string') &&
      ['shareConversationsWithModelAuthors', 'welcomeModalSeen'].every(
        (name) => body[name] === undefined || typeof body[name] === 'boolean',
      );
    // A form is not JSON: chat-ui's `request.json()` throws on it (05b).
    if (!valid) return respond(x, session, unexpectedError(x));
    const user = store.user(session.id);
    if (typeof body.activeModel === 'string') user.activeModel = body.activeModel;
    if (typeof body.shareConversationsWithModelAuthors === 'boolean') {
      user.shareConversationsWithModelAuthors = body.shareConversationsWithModelAuthors;
    }
    if (body.welcomeModalSeen === true) user.welcomeModalSeenAt ??= new Date();
    respond(x, session, emptyAnswer(200));
  };

  const createConversation: Handler = (x, session) => {
    // Without a Content-Type chat-ui throws before reading the body (02q).
    if (x.req.headers['content-type'] === undefined) return respond(x, session, unexpectedError(x));
    const body = parseJson(x.body);
    if (body === undefined) return respond(x, session, unexpectedError(x));
    const { model, preprompt } = record(body) ?? {};
    if (typeof preprompt === 'string') x.note({ preprompt });
    if (
      typeof model !== 'string' ||
      !settings.models.some((m) => m.id === model) ||
      (preprompt !== undefined && typeof preprompt !== 'string')
    ) {
      return fail(x, session, 400, 'Invalid request');
    }
    // No preprompt given: the model's own, which is empty for every emulated model.
    const conversation = store.createConversation(session.id, model, preprompt ?? '');
    const answer = settings.omitRootMessageId
      ? { conversationId: conversation.id }
      : {
          conversationId: conversation.id,
          conversation: JSON.stringify(conversationView(conversation, true)),
        };
    respond(x, session, jsonAnswer(200, answer));
  };

  const page: Handler = (x, session, [rawId]) => {
    const id = parseObjectId(rawId);
    const conversation = id ? store.conversation(id) : undefined;
    const mine = conversation?.sessionId === session.id ? conversation : undefined;
    respond(x, undefined, {
      status: mine ? 200 : 404,
      headers: {
        vary: 'Accept, Accept-Encoding',
        'content-type': mine ? 'text/html' : 'text/html; charset=utf-8',
      },
      body: mine ? conversationPage(mine.title) : errorPage(404, 'Conversation not found'),
    });
  };

  const rename: Handler = (x, session, [rawId]) => {
    const title = record(parseJson(x.body))?.title;
    const trimmed = typeof title === 'string' ? title.trim() : '';
    if (trimmed === '' || trimmed.length > 100) return respond(x, session, unexpectedError(x));
    const conversation = owned(x, session, rawId);
    if (!conversation) return;
    conversation.title = trimmed;
    respond(x, session, emptyAnswer(200));
  };

  const remove: Handler = (x, session, [rawId]) => {
    const conversation = owned(x, session, rawId);
    if (!conversation) return;
    store.deleteConversation(conversation.id);
    respond(x, session, emptyAnswer(200));
  };

  const stop: Handler = (x, session, [rawId]) => {
    const conversation = owned(x, session, rawId);
    if (!conversation) return;
    // The body is optional (03c sends none); a length the client saw cuts the answer.
    const seen = record(parseJson(x.body))?.seenContentLength;
    const cut = Number.isInteger(seen) && (seen as number) >= 0 ? (seen as number) : undefined;
    for (const end of [...conversation.streams]) end(cut);
    respond(x, session, emptyAnswer(200));
  };

  // A generating answer is read with the content and sequence number saved together, as
  // chat-ui's materialisation stores them (the real server saves them every 3 s; here on read).
  const materialize = (conversation: ChatUiConversation) => {
    for (const run of conversation.runs) {
      const message = run.status === 'running' && findMessage(conversation, run.messageId);
      if (message) message.materializedSeq = run.seal();
    }
  };

  const withConversation =
    (view: (conversation: ChatUiConversation) => unknown): Handler =>
    (x, session, [rawId]) => {
      const conversation = readable(x, session, rawId);
      if (!conversation) return;
      materialize(conversation);
      api(x, 200, view(conversation));
    };

  const resume: Handler = async (x, session, [rawId]) => {
    const conversation = owned(x, session, rawId);
    if (conversation) await resumeRoute(x, conversation);
  };

  return [
    { pattern: /^\/$/, methods: { GET: { step: 'session', handle: home } } },
    { pattern: /^\/settings$/, methods: { POST: { step: 'settings', handle: saveSettings } } },
    {
      pattern: /^\/conversation$/,
      methods: {
        POST: { step: 'conversation', handle: createConversation },
        GET: { handle: (x) => respond(x, undefined, emptyAnswer(302, { location: '/' })) },
      },
    },
    {
      pattern: /^\/conversation\/([^/]+)$/,
      methods: {
        POST: { step: 'stream', handle: (x, s, [id]) => streamRoute(x, s, store, settings, id) },
        DELETE: { step: 'delete', handle: remove },
        PATCH: { handle: rename },
        GET: { handle: page },
      },
    },
    {
      pattern: /^\/conversation\/([^/]+)\/stream$/,
      methods: { GET: { step: 'resume', handle: resume } },
    },
    {
      pattern: /^\/conversation\/([^/]+)\/stop-generating$/,
      methods: { POST: { step: 'stop', handle: stop } },
    },
    {
      pattern: /^\/api\/models$/,
      methods: {
        GET: { step: 'models', handle: (x) => api(x, 200, settings.models.map(modelEntry)) },
      },
    },
    {
      pattern: /^\/api\/v2\/models$/,
      methods: {
        GET: {
          step: 'models',
          handle: (x) =>
            respond(
              x,
              undefined,
              jsonAnswer(200, superjson(settings.models.map(modelSummary)), {
                ...CORS_HEADERS,
                'cache-control': 'private, max-age=60',
              }),
            ),
        },
      },
    },
    {
      pattern: /^\/api\/mcp\/servers$/,
      methods: {
        GET: {
          handle: (x) =>
            api(
              x,
              200,
              settings.mcpServers.map(({ name, url }) => ({
                id: `base-${name}`,
                name,
                url,
                type: 'base',
                isLocked: false,
              })),
            ),
        },
      },
    },
    {
      pattern: /^\/api\/v2\/conversations$/,
      methods: {
        GET: {
          handle: (x, session) =>
            api(x, 200, conversationListView(store.conversationsOf(session.id))),
        },
      },
    },
    {
      pattern: /^\/api\/v2\/conversations\/([^/]+)$/,
      methods: {
        GET: {
          step: 'conversation',
          handle: withConversation((c) => conversationView(c, !settings.omitRootMessageId)),
        },
      },
    },
    {
      pattern: /^\/api\/conversation\/([^/]+)$/,
      methods: { GET: { handle: withConversation(conversationV1View) } },
    },
    {
      pattern: /^\/api\/v2\/user\/settings$/,
      methods: {
        GET: { handle: (x, session) => api(x, 200, userSettingsView(store.user(session.id))) },
      },
    },
  ];
};
