import { from, lastValueFrom, throwError, concat, toArray } from 'rxjs';
import type { CompletionEvent } from '../../lib';
import { toUiMessageChunks, uiMessageChunks } from '../../lib/ai-sdk';
import { H2oHttpError } from '../../lib';

const step: CompletionEvent = { type: 'step', step: 'stream', ms: 3 };
const token = (text: string): CompletionEvent => ({ type: 'token', text });
const done = (text: string, more: Partial<CompletionEvent> = {}): CompletionEvent =>
  ({ type: 'done', text, tokens: 0, conversationId: 'c', ...more }) as CompletionEvent;

describe('uiMessageChunks', () => {
  it('an answer: start, one step, one text part, finish', () => {
    const events = [step, token('Hel'), token('lo '), done('Hello')];
    expect(uiMessageChunks(events, { metadata: { conversationId: 'c' } })).toEqual([
      { type: 'start', messageMetadata: { conversationId: 'c' } },
      { type: 'start-step' },
      { type: 'text-start', id: 'text-1' },
      { type: 'text-delta', id: 'text-1', delta: 'Hel' },
      { type: 'text-delta', id: 'text-1', delta: 'lo ' },
      { type: 'text-end', id: 'text-1' },
      { type: 'finish-step' },
      { type: 'finish', finishReason: 'stop' },
    ]);
  });

  it('reasoning, a tool call and its result, a file, then text: each part opened and closed in order', () => {
    const events: CompletionEvent[] = [
      step,
      { type: 'keep-alive' },
      { type: 'reasoning', text: 'Let me ' },
      { type: 'reasoning-status', status: 'Thinking' },
      { type: 'reasoning', text: 'think.' },
      { type: 'tool-call', uuid: 'u1', name: 'search', parameters: { q: 'x' } },
      { type: 'tool-progress', uuid: 'u1', progress: 1, total: 2 },
      { type: 'tool-result', uuid: 'u1', name: 'search', ok: true, outputs: [{ hit: 1 }] },
      { type: 'tool-call', uuid: 'u2', name: 'fetch', parameters: {} },
      { type: 'tool-error', uuid: 'u2', message: 'timed out' },
      { type: 'tool-result', uuid: 'nobody', name: 'x', ok: true, outputs: [] },
      token('See '),
      { type: 'file', name: 'a.png', sha: 'abc', mime: 'image/png' },
      token('this.'),
      { type: 'title', title: 'T' },
      done('See this.', { interrupted: true }),
    ];
    const tool = { providerExecuted: true, dynamic: true };
    expect(uiMessageChunks(events, { fileUrl: (sha) => `http://s/${sha}` })).toEqual([
      { type: 'start' },
      { type: 'start-step' },
      { type: 'reasoning-start', id: 'reasoning-1' },
      { type: 'reasoning-delta', id: 'reasoning-1', delta: 'Let me ' },
      { type: 'reasoning-delta', id: 'reasoning-1', delta: 'think.' },
      { type: 'reasoning-end', id: 'reasoning-1' },
      {
        type: 'tool-input-available',
        toolCallId: 'u1',
        toolName: 'search',
        input: { q: 'x' },
        ...tool,
      },
      { type: 'tool-output-available', toolCallId: 'u1', output: [{ hit: 1 }], ...tool },
      { type: 'tool-input-available', toolCallId: 'u2', toolName: 'fetch', input: {}, ...tool },
      { type: 'tool-output-error', toolCallId: 'u2', errorText: 'timed out', ...tool },
      { type: 'text-start', id: 'text-2' },
      { type: 'text-delta', id: 'text-2', delta: 'See ' },
      { type: 'text-end', id: 'text-2' },
      { type: 'file', url: 'http://s/abc', mediaType: 'image/png' },
      { type: 'text-start', id: 'text-3' },
      { type: 'text-delta', id: 'text-3', delta: 'this.' },
      { type: 'text-end', id: 'text-3' },
      { type: 'finish-step' },
      { type: 'finish', finishReason: 'interrupted' },
    ]);
  });

  it('a failed tool result is a tool-output-error with its message', () => {
    const events: CompletionEvent[] = [
      { type: 'tool-call', uuid: 'u', name: 'calc', parameters: { a: 1 } },
      { type: 'tool-result', uuid: 'u', name: 'calc', ok: false, outputs: [], message: 'bad a' },
    ];
    expect(uiMessageChunks(events).at(-1)).toEqual({
      type: 'tool-output-error',
      toolCallId: 'u',
      errorText: 'bad a',
      providerExecuted: true,
      dynamic: true,
    });
  });

  it('a re-run answer (tokens again from the start): the step is reset, the final text given whole', () => {
    const events = [token('Hi '), token('Hi '), token('there'), done('Hi there')];
    expect(uiMessageChunks(events).slice(-8)).toEqual([
      { type: 'text-delta', id: 'text-1', delta: 'there' },
      { type: 'text-end', id: 'text-1' },
      { type: 'reset-step' },
      { type: 'text-start', id: 'text-2' },
      { type: 'text-delta', id: 'text-2', delta: 'Hi there' },
      { type: 'text-end', id: 'text-2' },
      { type: 'finish-step' },
      { type: 'finish', finishReason: 'stop' },
    ]);
  });

  it('no tokens (stream: false): the final text is the text part, nothing reset', () => {
    expect(uiMessageChunks([step, done('All of it')])).toEqual([
      { type: 'start' },
      { type: 'start-step' },
      { type: 'text-start', id: 'text-1' },
      { type: 'text-delta', id: 'text-1', delta: 'All of it' },
      { type: 'text-end', id: 'text-1' },
      { type: 'finish-step' },
      { type: 'finish', finishReason: 'stop' },
    ]);
  });

  it('no chunk before the first that adds to the message (step events alone give none)', () => {
    expect(uiMessageChunks([step, { type: 'keep-alive' }])).toEqual([]);
  });
});

describe('toUiMessageChunks', () => {
  it('an error ends the chunks with an error chunk, after what came before', async () => {
    const err = new H2oHttpError(
      'stream',
      { status: 500, url: 'http://s/', body: '' },
      'stream: HTTP 500',
    );
    const chunks = await lastValueFrom(
      concat(
        from([step, token('a')]),
        throwError(() => err),
      ).pipe(toUiMessageChunks(), toArray()),
    );
    expect(chunks.map((c) => c.type)).toEqual([
      'start',
      'start-step',
      'text-start',
      'text-delta',
      'error',
    ]);
    expect(chunks.at(-1)).toEqual({ type: 'error', errorText: err.message });
  });

  it('each subscription starts its own part ids', async () => {
    const chunks$ = from([token('x'), done('x')]).pipe(toUiMessageChunks());
    const [a, b] = [
      await lastValueFrom(chunks$.pipe(toArray())),
      await lastValueFrom(chunks$.pipe(toArray())),
    ];
    expect(a).toEqual(b);
    expect(a[2]).toEqual({ type: 'text-start', id: 'text-1' });
  });
});
