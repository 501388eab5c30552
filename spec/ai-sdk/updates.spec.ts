import type { UIMessage } from 'ai';
import { h2oChatTransport } from '../../lib/ai-sdk';
import { everyUpdate } from '../support/every-update';
import { startResumeServer } from '../support/resume-server';
import { PlainChat } from './plain-chat';

// A scripted chat-ui stream with every kind of update the chunks carry, through the AI SDK's
// own chat: the parts of the answer it builds.
describe('h2oChatTransport: reasoning, tools and files (scripted chat-ui stream)', () => {
  it('become the answer message parts, in the order the server sent them', async () => {
    const server = await startResumeServer(everyUpdate, 'end', []);
    try {
      const chat = new PlainChat({
        transport: h2oChatTransport('llama3', { baseUrl: server.url, dialect: 'chat-ui' }),
      });
      await chat.sendMessage({ text: 'find rx' });
      expect(chat.status).toBe('ready');
      const answer = chat.messages[1] as UIMessage;
      const tool = { type: 'dynamic-tool', toolName: 'search', input: { query: 'rx' } };
      expect(answer.parts).toMatchObject([
        { type: 'step-start' },
        { type: 'reasoning', text: 'Look it up.', state: 'done' },
        { ...tool, toolCallId: 'u1', state: 'output-available', output: [{ text: 'found' }] },
        { ...tool, toolCallId: 'u2', state: 'output-error', errorText: 'quota' },
        { type: 'text', text: 'Here ', state: 'done' },
        {
          type: 'file',
          mediaType: 'image/png',
          url: `${server.url}/conversation/0123456789abcdef01234567/output/f00d`,
        },
        { type: 'text', text: 'it is.', state: 'done' },
      ]);
      expect(answer.parts).toHaveLength(7);
      const posts = server.requests.filter(
        (r) => r.method === 'POST' && r.url.endsWith('01234567'),
      );
      expect(posts).toHaveLength(1);
    } finally {
      await server.close();
    }
  });
});
