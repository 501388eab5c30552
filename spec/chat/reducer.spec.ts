import type { CompletionEvent } from '../../lib';
import { chatReducer, emptyChatState } from '../../lib/chat';
import type { ChatAction, ChatMessage, ChatState } from '../../lib/chat';

const reduce = chatReducer({ fileUrl: (id, sha) => `http://h/conversation/${id}/output/${sha}` });
const user: ChatMessage = {
  id: 'u1',
  role: 'user',
  parts: [{ type: 'text', text: 'hi', state: 'done' }],
};
const ask: ChatAction = { type: 'ask', user, answerId: 'a1' };
const ev = (event: CompletionEvent): ChatAction => ({ type: 'event', event });
const run = (actions: ChatAction[], from: ChatState = emptyChatState) =>
  actions.reduce(reduce, from);
const answer = (state: ChatState) => state.messages[state.messages.length - 1];
const done = (text: string, extra: Partial<CompletionEvent> = {}): CompletionEvent =>
  ({ type: 'done', text, tokens: 0, conversationId: 'c1', ...extra }) as CompletionEvent;

describe('chatReducer: a chat state from its actions', () => {
  it('ask: the user message and an empty answer, submitted until the first output', () => {
    const asked = run([ask]);
    expect(asked.status).toBe('submitted');
    expect(asked.messages).toEqual([
      user,
      { id: 'a1', role: 'assistant', parts: [], state: 'streaming' },
    ]);
    // Steps, keep-alives and the reasoning status are no output: still submitted.
    const waiting = run(
      [
        ev({ type: 'step', step: 'stream', ms: 3 }),
        ev({ type: 'keep-alive' }),
        ev({ type: 'reasoning-status', status: 'Thinking' }),
      ],
      asked,
    );
    expect(waiting.status).toBe('submitted');
    expect(answer(waiting).reasoningStatus).toBe('Thinking');
    const streaming = run([ev({ type: 'token', text: 'Hel' })], waiting);
    expect(streaming.status).toBe('streaming');
    expect(answer(streaming).parts).toEqual([{ type: 'text', text: 'Hel', state: 'streaming' }]);
  });

  it('returns the same state for what changes nothing (keep-alive, step, events after the end)', () => {
    const asked = run([ask]);
    expect(reduce(asked, ev({ type: 'keep-alive' }))).toBe(asked);
    expect(reduce(asked, ev({ type: 'step', step: 'stream', ms: 1 }))).toBe(asked);
    const ended = run([ev({ type: 'token', text: 'x' }), ev(done('x')), { type: 'end' }], asked);
    expect(ended.status).toBe('ready');
    expect(reduce(ended, ev({ type: 'token', text: 'late' }))).toBe(ended);
    expect(reduce(ended, { type: 'end' })).toBe(ended);
    expect(reduce(ended, { type: 'stopped' })).toBe(ended);
  });

  it('reasoning, tools, text and files: parts in the order they came, each closed by the next', () => {
    const call = {
      type: 'tool-call',
      uuid: 't1',
      name: 'search',
      parameters: { q: 'rx' },
    } as const;
    const state = run([
      ask,
      ev({ type: 'reasoning', text: 'Look ' }),
      ev({ type: 'reasoning', text: 'it up.' }),
      ev(call),
      ev({ type: 'tool-progress', uuid: 't1', progress: 1, total: 2 }),
      ev({
        type: 'tool-result',
        uuid: 't1',
        name: 'search',
        ok: true,
        outputs: [{ text: 'found' }],
      }),
      ev({ ...call, uuid: 't2' }),
      ev({
        type: 'tool-result',
        uuid: 't2',
        name: 'search',
        ok: false,
        outputs: [],
        message: 'quota',
      }),
      ev({ ...call, uuid: 't3' }),
      ev({ type: 'tool-error', uuid: 't3', message: 'timed out' }),
      ev({ type: 'tool-result', uuid: 'unknown', name: 'x', ok: true, outputs: [] }),
      ev({ type: 'token', text: 'Here ' }),
      ev({ type: 'file', name: 'chart.png', sha: 'f00d', mime: 'image/png' }),
      ev({ type: 'token', text: 'it is.' }),
      ev({ type: 'router', route: 'code', model: 'qwen', provider: 'hf' }),
      ev({ type: 'title', title: 'Finding rx' }),
      ev(done('Here it is.')),
      { type: 'end' },
    ]);
    const tool = { type: 'tool', toolName: 'search', input: { q: 'rx' } };
    expect(answer(state)).toEqual({
      id: 'a1',
      role: 'assistant',
      state: 'done',
      router: { route: 'code', model: 'qwen', provider: 'hf' },
      parts: [
        { type: 'reasoning', text: 'Look it up.', state: 'done' },
        {
          ...tool,
          toolCallId: 't1',
          state: 'output-available',
          output: [{ text: 'found' }],
          progress: { progress: 1, total: 2 },
        },
        { ...tool, toolCallId: 't2', state: 'output-error', errorText: 'quota' },
        { ...tool, toolCallId: 't3', state: 'output-error', errorText: 'timed out' },
        { type: 'text', text: 'Here ', state: 'done' },
        {
          type: 'file',
          filename: 'chart.png',
          mediaType: 'image/png',
          sha: 'f00d',
          // No URL: the conversation is known from `opened` (or `done`), and none came first.
        },
        { type: 'text', text: 'it is.', state: 'done' },
      ],
    });
    expect(state.title).toBe('Finding rx');
    expect(state.conversationId).toBe('c1');
    expect(state.status).toBe('ready');
  });

  it("a file's URL from the opened conversation", () => {
    const state = run([
      { type: 'opened', conversationId: 'c9' },
      ask,
      ev({ type: 'file', name: 'a.png', sha: 'beef', mime: 'image/png' }),
    ]);
    expect(answer(state).parts).toEqual([
      {
        type: 'file',
        filename: 'a.png',
        mediaType: 'image/png',
        sha: 'beef',
        url: 'http://h/conversation/c9/output/beef',
      },
    ]);
  });

  it("done: the server's final text replaces tokens that were streamed twice; end spaces kept", () => {
    const rerun = run([
      ask,
      ev({ type: 'reasoning', text: 'hm' }),
      ev({ type: 'token', text: 'ans' }),
      ev({ type: 'token', text: 'answer 1' }),
      ev(done('answer 1')),
    ]);
    expect(answer(rerun).parts).toEqual([
      { type: 'reasoning', text: 'hm', state: 'done' },
      { type: 'text', text: 'answer 1', state: 'done' },
    ]);
    const spaces = run([ask, ev({ type: 'token', text: 'hi ' }), ev(done('hi'))]);
    expect(answer(spaces).parts).toEqual([{ type: 'text', text: 'hi ', state: 'done' }]);
    // A non-streamed turn (no tokens): the final text is the answer.
    expect(answer(run([ask, ev(done('whole'))])).parts).toEqual([
      { type: 'text', text: 'whole', state: 'done' },
    ]);
  });

  it('the router event after done (as v0.20 sends it) still goes on the answer', () => {
    const state = run([
      ask,
      ev({ type: 'token', text: 'a' }),
      ev(done('a')),
      ev({ type: 'router', route: '', model: '', provider: 'hf' }),
      { type: 'end' },
    ]);
    expect(answer(state)).toMatchObject({
      state: 'done',
      router: { route: '', model: '', provider: 'hf' },
    });
    // After the turn: nothing.
    expect(reduce(state, ev({ type: 'router', route: 'x', model: 'y' }))).toBe(state);
  });

  it("done.interrupted: the answer is 'stopped'", () => {
    const state = run([
      ask,
      ev({ type: 'token', text: 'a' }),
      ev(done('a', { interrupted: true })),
    ]);
    expect(answer(state).state).toBe('stopped');
  });

  it('stopped: the answer keeps its parts, closed; ready at once', () => {
    const state = run([ask, ev({ type: 'token', text: 'par' }), { type: 'stopped' }]);
    expect(state.status).toBe('ready');
    expect(answer(state)).toMatchObject({
      state: 'stopped',
      parts: [{ type: 'text', text: 'par', state: 'done' }],
    });
  });

  it('failed: status and answer error; the next ask or clear-error clears the error', () => {
    const error = new Error('boom');
    const failed = run([ask, ev({ type: 'token', text: 'a' }), { type: 'failed', error }]);
    expect(failed).toMatchObject({ status: 'error', error });
    expect(answer(failed)).toMatchObject({ state: 'error', error });
    expect(run([{ type: 'clear-error' }], failed)).toMatchObject({
      status: 'ready',
      error: undefined,
    });
    const again = run([{ ...ask, answerId: 'a2' }], failed);
    expect(again).toMatchObject({ status: 'submitted', error: undefined });
    // The failed answer stays as it ended.
    expect(again.messages.map((m) => m.state)).toEqual([
      undefined,
      'error',
      undefined,
      'streaming',
    ]);
  });

  it('regenerate replaces the last answer with a new, empty one', () => {
    const first = run([ask, ev(done('one')), { type: 'end' }]);
    const regenerated = run([{ type: 'regenerate', answerId: 'a2' }], first);
    expect(regenerated.messages.map((m) => m.id)).toEqual(['u1', 'a2']);
    expect(regenerated.status).toBe('submitted');
  });

  it('resume changes nothing until resumed: the last answer is replaced, keeping its id', () => {
    const history = run([
      {
        type: 'history',
        messages: [
          { role: 'system', content: '' },
          { role: 'user', content: 'q', id: 's1' },
          { role: 'assistant', content: 'partial', id: 's2' },
        ],
      },
    ]);
    expect(history.messages).toEqual([
      { id: 's1', role: 'user', parts: [{ type: 'text', text: 'q', state: 'done' }] },
      {
        id: 's2',
        role: 'assistant',
        state: 'done',
        parts: [{ type: 'text', text: 'partial', state: 'done' }],
      },
    ]);
    const resuming = run([{ type: 'resume' }], history);
    expect(resuming.status).toBe('submitted');
    expect(resuming.messages).toBe(history.messages);
    // Nothing live: the turn ends, nothing changed.
    expect(run([{ type: 'end' }], resuming).messages).toBe(history.messages);
    const resumed = run(
      [
        { type: 'resumed', answerId: 'new' },
        ev({ type: 'step', step: 'resume', ms: 1 }),
        ev({ type: 'token', text: 'partial and more' }),
        ev(done('partial and more')),
        { type: 'end' },
      ],
      resuming,
    );
    expect(resumed.messages.map((m) => [m.id, m.state])).toEqual([
      ['s1', undefined],
      ['s2', 'done'],
    ]);
    expect(answer(resumed).parts).toEqual([
      { type: 'text', text: 'partial and more', state: 'done' },
    ]);
  });

  it('a stored answer with reasoning: its reasoning part, then its text', () => {
    const state = run([
      {
        type: 'history',
        messages: [
          { role: 'user', content: 'why?', id: 'q' },
          { role: 'assistant', content: 'one two', reasoning: 'Let me think.', id: 'a' },
        ],
      },
    ]);
    expect(answer(state).parts).toEqual([
      { type: 'reasoning', text: 'Let me think.', state: 'done' },
      { type: 'text', text: 'one two', state: 'done' },
    ]);
  });

  it('history goes before messages of this chat; reset empties the chat', () => {
    const state = run([ask, { type: 'history', messages: [{ role: 'user', content: 'old' }] }]);
    expect(state.messages.map((m) => m.id)).toEqual(['stored-0', 'u1', 'a1']);
    expect(run([{ type: 'reset' }], state)).toBe(emptyChatState);
  });
});
