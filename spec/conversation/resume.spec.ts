import { take } from 'rxjs';
import {
  completion$,
  completionEvents$,
  H2oInputError,
  H2oNetworkError,
  H2oProtocolError,
} from '../../lib';
import type { CompletionEvent } from '../../lib';
import { collect, hello, until, unsubscribeWhen } from '../helpers';
import { end, ResumeServer, startResumeServer, update } from '../support/resume-server';

const started = { type: 'status', status: 'started' };
const token = (text: string) => ({ type: 'stream', token: text });
const final = (text: string) => ({ type: 'finalAnswer', text, interrupted: false });
const finished = { type: 'status', status: 'finished' };

let server: ResumeServer | undefined;
afterEach(() => server?.close());

const options = (extra: object = {}) => ({
  baseUrl: server?.url,
  dialect: 'chat-ui' as const,
  ...extra,
});
const texts = (events: CompletionEvent[]) =>
  events.flatMap((e) => (e.type === 'token' ? [e.text] : []));
const resumeGets = () => (server?.requests ?? []).filter((r) => r.method === 'GET');
const generationIdSent = () => {
  const post = server?.requests.find((r) => /^\/conversation\/[0-9a-f]{24}$/.test(r.url));
  return (JSON.parse(/\{.*\}/s.exec(post?.body ?? '')?.[0] ?? '{}') as { generationId?: string })
    .generationId;
};

// The server merged fast tokens into one stored update each: seq 3 holds "Hello, " whole.
const replay = [
  update(1, started),
  update(2, { type: 'title', title: 'Greeting' }),
  ': heartbeat\n\n',
  update(3, token('Hello, ')),
  update(4, token('wor')),
  update(5, token('ld!')),
  update(6, final('Hello, world!')),
  update(7, finished),
  end('completed'),
];

describe('resume (dialect chat-ui, scripted server)', () => {
  it.each(['destroy', 'end'] as const)(
    'a dropped stream (%s) re-attaches: every token once, in order, then done',
    async (postEnd) => {
      // The POST delivered "Hello", "," (2 updates), the stored replay merged them with " ".
      server = await startResumeServer(['Hello', ','], postEnd, [{ chunks: replay, hold: true }]);
      const { values, error, completed } = await collect(completionEvents$('m', hello, options()));
      expect(error).toBeUndefined();
      expect(completed).toBe(true);
      expect(texts(values).join('')).toBe('Hello, world!');
      expect(texts(values)).toEqual(['Hello', ',', ' ', 'wor', 'ld!']);
      expect(values.map((e) => (e.type === 'step' ? e.step : e.type))).toEqual([
        'conversation',
        'stream',
        'token',
        'token',
        'resume',
        // The POST never gave the title the log holds: it is new to the subscriber.
        'title',
        // The channel's heartbeat: the server is alive, as a keep-alive says.
        'keep-alive',
        'token',
        'token',
        'token',
        'done',
      ]);
      expect(values.at(-1)).toMatchObject({ type: 'done', text: 'Hello, world!', tokens: 5 });
      const [get] = resumeGets();
      expect(get.url).toBe(
        `/conversation/0123456789abcdef01234567/stream?generationId=${generationIdSent()}&fromSeq=0`,
      );
    },
  );

  it('completion$ gets the same text; stream: false the final text', async () => {
    server = await startResumeServer(['Hello'], 'destroy', [{ chunks: replay, hold: true }]);
    expect((await collect(completion$('m', hello, options()))).values.join('')).toBe(
      'Hello, world!',
    );
    await server.close();
    server = await startResumeServer(['Hello'], 'destroy', [{ chunks: replay, hold: true }]);
    expect((await collect(completion$('m', hello, options({ stream: false })))).values).toEqual([
      'Hello, world!',
    ]);
  });

  it('a channel that drops too re-attaches after the last update it gave', async () => {
    server = await startResumeServer(['Hello'], 'destroy', [
      { chunks: replay.slice(0, 4) },
      { chunks: replay.slice(4), hold: true },
    ]);
    const { values, error } = await collect(completionEvents$('m', hello, options()));
    expect(error).toBeUndefined();
    expect(texts(values)).toEqual(['Hello', ', ', 'wor', 'ld!']);
    expect(resumeGets().map((r) => /fromSeq=(\d+)/.exec(r.url)?.[1])).toEqual(['0', '3']);
    expect(values.filter((e) => e.type === 'step' && e.step === 'resume')).toHaveLength(2);
  });

  it('resume: 0 gives the original error, with no resume request', async () => {
    server = await startResumeServer(['Hello'], 'destroy', [{ chunks: replay, hold: true }]);
    const { error } = await collect(completionEvents$('m', hello, options({ resume: 0 })));
    expect(error).toBeInstanceOf(H2oNetworkError);
    expect(resumeGets()).toHaveLength(0);
  });

  it('end {status: gone} gives the original error', async () => {
    server = await startResumeServer(['Hello'], 'end', [{ chunks: [end('gone')], hold: true }]);
    const { error } = await collect(completionEvents$('m', hello, options()));
    expect(error).toBeInstanceOf(H2oProtocolError);
    expect((error as H2oProtocolError).reason).toBe('truncated');
    expect(resumeGets()).toHaveLength(1);
  });

  it('an error status on the channel gives the original error', async () => {
    server = await startResumeServer(['Hello'], 'destroy', [{ status: 404 }]);
    const { error } = await collect(completionEvents$('m', hello, options()));
    expect(error).toBeInstanceOf(H2oNetworkError);
    expect(resumeGets()).toHaveLength(1);
  });

  it('spent re-attachments give the original error', async () => {
    const drops = [{ chunks: [update(1, started)] }, { chunks: [update(1, started)] }];
    server = await startResumeServer(['Hello'], 'end', drops);
    const { error } = await collect(completionEvents$('m', hello, options({ resume: 2 })));
    expect((error as H2oProtocolError).reason).toBe('truncated');
    expect(resumeGets()).toHaveLength(2);
  });

  it('unsubscribing during a re-attachment aborts it and sends stop-generating', async () => {
    // The channel gives one new token, then holds the rest back.
    const channel = [{ chunks: replay.slice(0, 5), hold: true }];
    server = await startResumeServer(['Hello'], 'destroy', channel);
    const { values } = await unsubscribeWhen(completionEvents$('m', hello, options()), (v) =>
      v.some((e) => e.type === 'token' && e.text === 'wor'),
    );
    expect(texts(values)).toEqual(['Hello', ', ', 'wor']);
    await until(() => server!.requests.some((r) => r.url.endsWith('/stop-generating')));
    const stop = server.requests.find((r) => r.url.endsWith('/stop-generating'));
    expect(JSON.parse(stop!.body)).toEqual({
      generationId: generationIdSent(),
      seenContentLength: 'Hello, wor'.length,
    });
  });

  it('take() ending during a re-attachment stops the generation too', async () => {
    server = await startResumeServer(['Hello'], 'destroy', [{ chunks: replay, hold: true }]);
    const { values } = await collect(completion$('m', hello, options()).pipe(take(2)));
    expect(values).toEqual(['Hello', ', ']);
    await until(() => server!.requests.some((r) => r.url.endsWith('/stop-generating')));
  });

  it('refuses a resume count that is not an integer >= 0', async () => {
    for (const resume of [-1, 1.5, NaN]) {
      const { error } = await collect(completion$('m', hello, { dialect: 'chat-ui', resume }));
      expect(error).toBeInstanceOf(H2oInputError);
    }
  });

  describe('the updates beside the answer', () => {
    const thinking = { type: 'reasoning', subtype: 'status', status: 'Started reasoning...' };
    const think = (token: string) => ({ type: 'reasoning', subtype: 'stream', token });
    const call = { name: 'search', parameters: { q: 'rx' } };
    const toolCall = { type: 'tool', subtype: 'call', uuid: 'u1', call };
    const result = { status: 'success', call, outputs: [{ text: 'found' }], display: true };
    const toolResult = { type: 'tool', subtype: 'result', uuid: 'u1', result };
    const title = { type: 'title', title: 'Rx' };
    // What the POST gave before it dropped: keep-alives, reasoning in two tokens, the title,
    // the tool call and the first token.
    const post = [
      { type: 'status', status: 'keepAlive' },
      thinking,
      think('Let '),
      { type: 'status', status: 'keepAlive' },
      think('me think'),
      title,
      toolCall,
      'Hel',
    ];
    // The log merged same-kind tokens: reasoning "Let me think more", text "Hello".
    const log = [
      update(1, started),
      update(2, thinking),
      update(3, think('Let me think more')),
      update(4, title),
      update(5, toolCall),
      update(6, toolResult),
      update(7, token('Hello')),
      update(8, final('Hello')),
      update(9, finished),
      end('completed'),
    ];
    const shape = (values: CompletionEvent[]) =>
      values
        .filter((e) => e.type !== 'keep-alive')
        .map((e) => {
          if (e.type === 'step') return e.step;
          if (e.type === 'token' || e.type === 'reasoning') return `${e.type}:${e.text}`;
          return e.type;
        });

    it('a re-attachment from seq 0 emits no reasoning, title or tool event twice', async () => {
      server = await startResumeServer(post, 'destroy', [{ chunks: log, hold: true }]);
      const { values, error } = await collect(completionEvents$('m', hello, options()));
      expect(error).toBeUndefined();
      expect(shape(values)).toEqual([
        'conversation',
        'stream',
        'reasoning-status',
        'reasoning:Let ',
        'reasoning:me think',
        'title',
        'tool-call',
        'token:Hel',
        'resume',
        'reasoning: more',
        'tool-result',
        'token:lo',
        'done',
      ]);
      expect(values.filter((e) => e.type === 'keep-alive')).toHaveLength(2);
      expect(values.find((e) => e.type === 'tool-result')).toEqual({
        type: 'tool-result',
        uuid: 'u1',
        name: 'search',
        ok: true,
        outputs: [{ text: 'found' }],
        display: true,
      });
      expect(values.at(-1)).toEqual({
        type: 'done',
        text: 'Hello',
        tokens: 2,
        conversationId: '0123456789abcdef01234567',
        interrupted: false,
      });
    });

    it('a channel that drops too: the next one from its last seq, still nothing twice', async () => {
      server = await startResumeServer(post, 'destroy', [
        { chunks: log.slice(0, 5) },
        { chunks: log.slice(5), hold: true },
      ]);
      const { values, error } = await collect(completionEvents$('m', hello, options()));
      expect(error).toBeUndefined();
      expect(resumeGets().map((r) => /fromSeq=(\d+)/.exec(r.url)?.[1])).toEqual(['0', '5']);
      expect(shape(values).slice(8)).toEqual([
        'resume',
        'reasoning: more',
        'resume',
        'tool-result',
        'token:lo',
        'done',
      ]);
    });
  });
});
