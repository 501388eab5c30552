import type { Conversation, H2oMessage, Session } from '../shared/sessions';
import { devalueFlat } from '../shared/devalue';
import { h2oModelIds } from './models';
import { MODEL_TRUNCATE } from './history';

// The generation defaults the models were configured with, as the layout lists them.
const modelParameters = () => ({
  temperature: 0.4,
  truncate: MODEL_TRUNCATE,
  max_new_tokens: 1024,
});

const modelView = (id: string) => ({
  id,
  name: id,
  websiteUrl: undefined,
  modelUrl: undefined,
  datasetName: undefined,
  datasetUrl: undefined,
  displayName: id,
  description: undefined,
  promptExamples: undefined,
  parameters: modelParameters(),
});

/** A data node: the value in devalue's form and what it depends on. */
const dataNode = (value: unknown, uses: unknown) =>
  `{"type":"data","data":${devalueFlat(value)},"uses":${JSON.stringify(uses)}}`;

/** The root layout's data: the session's conversations, settings and the models. */
export const layoutNode = (session: Session, conversations: Conversation[]): string =>
  dataNode(
    {
      conversations: conversations.map((c) => ({ id: c.id, title: c.title, model: c.model })),
      settings: {
        shareConversationsWithModelAuthors: session.shareConversationsWithModelAuthors ?? true,
        ethicsModalAcceptedAt: session.acceptedAt,
        activeModel: session.activeModel ?? h2oModelIds[0],
        searchEnabled: false,
      },
      models: h2oModelIds.map(modelView),
      oldModels: [],
      user: undefined,
      requiresLogin: false,
    },
    { dependencies: ['conversation:list'], url: 1 },
  );

// User and assistant messages list their fields in the order chat-ui wrote them.
const messageView = (m: H2oMessage) =>
  m.from === 'user'
    ? {
        content: m.content,
        from: m.from,
        id: m.id,
        ...(m.createdAt ? { createdAt: m.createdAt } : {}),
        updatedAt: m.updatedAt,
      }
    : {
        from: m.from,
        content: m.content,
        webSearchId: m.webSearchId,
        id: m.id,
        createdAt: m.createdAt,
        updatedAt: m.updatedAt,
      };

/** The conversation page's data: its stored messages, title and model. */
export const conversationNode = (conversation: Conversation, origin: string): string =>
  dataNode(
    {
      messages: conversation.messages.map(messageView),
      title: conversation.title,
      model: conversation.model,
      searches: {},
    },
    { dependencies: [`${origin}/conversation/conversation`], params: ['id'] },
  );

/** A node the client said it does not need (`x-sveltekit-invalidated`). */
export const SKIP_NODE = '{"type":"skip"}';

/** A page load that threw: SvelteKit reports it in the node, the response stays 200. */
export const errorNode = (status: number, message: string): string =>
  JSON.stringify({ type: 'error', error: { message }, status });

/**
 * Which nodes to send, from `x-sveltekit-invalidated` (one `1` per node to reload, `_` to skip);
 * without it, every node.
 */
export const wantedNodes = (search: string, count: number): boolean[] => {
  const flags = new URLSearchParams(search).get('x-sveltekit-invalidated');
  return Array.from({ length: count }, (_, i) => flags === null || flags[i] === '1');
};

/** The body of a `__data.json` answer. */
export const dataJson = (nodes: string[]): string => `{"type":"data","nodes":[${nodes.join(',')}]}`;
