import { createHash, randomUUID } from 'node:crypto';
import {
  REASONING_MODEL_ID,
  TOOL_MODEL_ID,
  VISION_MODEL_ID,
  startEmulator,
  type Emulator,
  type EmulatorOptions,
  type EmulatorToolCall,
} from '../../lib/testing';
import {
  getConversation,
  lines,
  newConversation,
  postConversation,
  postStream,
  streamData,
  updates,
  withoutKeepAlives,
  type ChatUiReady,
  type FilePart,
} from './helpers/chat-ui-session';
import { send } from './helpers/http-client';

const running: Emulator[] = [];
const start = async (options: Omit<EmulatorOptions, 'dialect'> = {}) => {
  const emu = await startEmulator({ dialect: 'chat-ui', ...options });
  running.push(emu);
  return emu;
};
afterEach(async () => {
  await Promise.all(running.splice(0).map((emu) => emu.close()));
});

const STARTED = '{"type":"status","status":"started"}';
const KEEP_ALIVE = '{"type":"status","status":"keepAlive"}';
const FINISHED = `${' '.repeat(4096)}{"type":"status","status":"finished"}`;
const pad = (token: string) => token + '\\u0000'.repeat(Math.max(0, 16 - token.length));
const tokenLine = (token: string) => `{"type":"stream","token":"${pad(token)}"}`;
const reply = () => ['one', ' two'];
const nonKeepAlive = (body: string) => lines(body).filter((line) => line !== KEEP_ALIVE);
const get = (url: string, path: string) =>
  send(url, { method: 'GET', path, headers: { accept: '*/*' } });
const turn = (ready: ChatUiReady, inputs = 'Hi', extra: Record<string, unknown> = {}) =>
  streamData(inputs, ready.rootMessageId, { generationId: randomUUID(), ...extra });
const storedMessages = async (url: string, ready: ChatUiReady) =>
  (await getConversation(url, ready)).json.messages as Record<string, unknown>[];

describe('the model list', () => {
  it('lists the reasoning, tool-calling and multimodal models beside the plain ones', async () => {
    expect([REASONING_MODEL_ID, TOOL_MODEL_ID, VISION_MODEL_ID]).toEqual([
      'reasoner',
      'tool-caller',
      'vision',
    ]);
    const emu = await start();
    const list = JSON.parse((await get(emu.url, '/api/models')).body) as Record<string, unknown>[];
    const flags = (id: string) => {
      const { multimodal, supportsTools, supportsReasoning } = list.find((m) => m.id === id)!;
      return { multimodal, supportsTools, supportsReasoning };
    };
    expect(flags('llama3')).toEqual({
      multimodal: false,
      supportsTools: false,
      supportsReasoning: false,
    });
    expect(flags('reasoner')).toEqual({
      multimodal: false,
      supportsTools: false,
      supportsReasoning: true,
    });
    expect(flags('tool-caller')).toEqual({
      multimodal: false,
      supportsTools: true,
      supportsReasoning: false,
    });
    expect(flags('vision')).toEqual({
      multimodal: true,
      supportsTools: false,
      supportsReasoning: false,
    });
    // The older route does not list the accepted types.
    expect(list.every((m) => !('multimodalAcceptedMimetypes' in m))).toBe(true);
  });

  it('GET /api/v2/models: superjson of each model summary, accepted types included', async () => {
    const emu = await start({
      chatUi: {
        models: [
          'llama3',
          { id: 'eyes', multimodal: true, multimodalAcceptedMimetypes: ['image/png'] },
        ],
      },
    });
    const res = await get(emu.url, '/api/v2/models');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('private, max-age=60');
    expect(res.headers['content-type']).toBe('application/json');
    const unset = [
      'websiteUrl',
      'modelUrl',
      'datasetName',
      'datasetUrl',
      'description',
      'logoUrl',
      'promptExamples',
    ];
    const entry = (id: string, multimodal: boolean, types: string[] | null) => ({
      id,
      name: id,
      websiteUrl: null,
      modelUrl: null,
      datasetName: null,
      datasetUrl: null,
      displayName: id,
      description: null,
      logoUrl: null,
      promptExamples: null,
      preprompt: '',
      multimodal,
      multimodalAcceptedMimetypes: types,
      supportsTools: false,
      supportsReasoning: false,
      supportsArtifacts: false,
      unlisted: false,
      hasInferenceAPI: false,
      isRouter: false,
    });
    const values: Record<string, string[]> = {};
    for (const name of unset) values[`0.${name}`] = ['undefined'];
    values['0.multimodalAcceptedMimetypes'] = ['undefined'];
    for (const name of unset) values[`1.${name}`] = ['undefined'];
    expect(JSON.parse(res.body)).toEqual({
      json: [entry('llama3', false, null), entry('eyes', true, ['image/png'])],
      meta: { values, v: 1 },
    });
  });

  it('the vision model accepts ["image/*"], as chat-ui gives an image-input model', async () => {
    const emu = await start();
    const { json } = JSON.parse((await get(emu.url, '/api/v2/models')).body) as {
      json: Record<string, unknown>[];
    };
    expect(json.find((m) => m.id === 'vision')).toMatchObject({
      multimodal: true,
      multimodalAcceptedMimetypes: ['image/*'],
    });
    expect(json.find((m) => m.id === 'reasoner')).toMatchObject({ supportsReasoning: true });
    expect(json.find((m) => m.id === 'tool-caller')).toMatchObject({ supportsTools: true });
  });

  it('GET /api/mcp/servers lists the configured MCP servers as base servers', async () => {
    const emu = await start({
      chatUi: { mcpServers: [{ name: 'web', url: 'https://x.test/mcp' }] },
    });
    const res = await get(emu.url, '/api/mcp/servers');
    expect(JSON.parse(res.body)).toEqual([
      { id: 'base-web', name: 'web', url: 'https://x.test/mcp', type: 'base', isLocked: false },
    ]);
  });
});

describe('the reasoning model', () => {
  it('think (default): <think> opens the first reasoning token, </think> the answer; finalAnswer holds both', async () => {
    const emu = await start({ reply, chatUi: { reasoning: { durationMs: 90, tokens: 3 } } });
    const ready = await newConversation(emu.url, 'reasoner');
    const res = await postStream(emu.url, ready, turn(ready, 'Why'));
    expect(nonKeepAlive(res.body)).toEqual([
      STARTED,
      '{"type":"title","title":"Why"}',
      tokenLine('<think>Let me think.'),
      tokenLine(' Step 1.'),
      tokenLine(' Step 2.'),
      tokenLine('</think>one'),
      tokenLine(' two'),
      '{"type":"finalAnswer","text":"<think>Let me think. Step 1. Step 2.</think>one two","interrupted":false}',
      FINISHED,
    ]);
    const stored = (await storedMessages(emu.url, ready)).at(-1)!;
    expect(stored.content).toBe('<think>Let me think. Step 1. Step 2.</think>one two');
    expect(stored.reasoning).toBeUndefined();
  });

  it('updates: reasoning status, unpadded reasoning tokens, Done in Ns., then the answer alone', async () => {
    const emu = await start({
      reply,
      chatUi: { reasoning: { durationMs: 1400, tokens: 2, wire: 'updates' } },
    });
    const ready = await newConversation(emu.url, 'reasoner');
    const res = await postStream(emu.url, ready, turn(ready, 'Why'));
    expect(nonKeepAlive(res.body)).toEqual([
      STARTED,
      '{"type":"title","title":"Why"}',
      '{"type":"reasoning","subtype":"status","status":"Started reasoning..."}',
      '{"type":"reasoning","subtype":"stream","token":"Let me think."}',
      '{"type":"reasoning","subtype":"stream","token":" Step 1."}',
      '{"type":"reasoning","subtype":"status","status":"Done in 1s."}',
      tokenLine('one'),
      tokenLine(' two'),
      '{"type":"finalAnswer","text":"one two","interrupted":false}',
      FINISHED,
    ]);
    // Keep-alives every 100 ms through the phase: 1.4 s of them before the answer.
    const all = lines(res.body);
    const beforeAnswer = all.slice(0, all.indexOf(tokenLine('one')));
    expect(beforeAnswer.filter((line) => line === KEEP_ALIVE).length).toBeGreaterThanOrEqual(5);
    const stored = (await storedMessages(emu.url, ready)).at(-1)!;
    expect(stored).toMatchObject({ content: 'one two', reasoning: 'Let me think. Step 1.' });
  });

  it('hidden: only keep-alives for the whole phase, then the answer', async () => {
    const emu = await start({ reply, chatUi: { reasoning: { durationMs: 600, wire: 'hidden' } } });
    const ready = await newConversation(emu.url, 'reasoner');
    const began = Date.now();
    const res = await postStream(emu.url, ready, turn(ready, 'Why'));
    expect(Date.now() - began).toBeGreaterThanOrEqual(590);
    expect(nonKeepAlive(res.body)).toEqual([
      STARTED,
      '{"type":"title","title":"Why"}',
      tokenLine('one'),
      tokenLine(' two'),
      '{"type":"finalAnswer","text":"one two","interrupted":false}',
      FINISHED,
    ]);
    expect(lines(res.body).filter((line) => line === KEEP_ALIVE).length).toBeGreaterThanOrEqual(3);
  });

  it('a plain model does not reason', async () => {
    const emu = await start({ reply, chatUi: { reasoning: { durationMs: 10_000 } } });
    const ready = await newConversation(emu.url, 'llama3');
    const res = await postStream(emu.url, ready, turn(ready));
    expect(withoutKeepAlives(res.body).map((u) => u.type)).toEqual([
      'status',
      'title',
      'stream',
      'stream',
      'finalAnswer',
      'status',
    ]);
  });

  it('refuses a reasoning option it cannot use, at start', async () => {
    await expect(start({ chatUi: { reasoning: { durationMs: -1 } } })).rejects.toThrow(
      'chatUi.reasoning.durationMs must be a number >= 0',
    );
    await expect(
      start({ chatUi: { reasoning: { wire: 'loud' as unknown as 'think' } } }),
    ).rejects.toThrow('chatUi.reasoning.wire');
  });
});

describe('the tool-calling model', () => {
  const toolUpdates = (body: string) =>
    withoutKeepAlives(body).filter((u) => u.type === 'tool') as Record<string, unknown>[];

  it('calls the tool (call, eta, result), then answers', async () => {
    const emu = await start({ reply });
    const ready = await newConversation(emu.url, 'tool-caller');
    const res = await postStream(emu.url, ready, turn(ready, 'cats'));
    const [call] = toolUpdates(res.body);
    const uuid = call.uuid as string;
    expect(uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(nonKeepAlive(res.body)).toEqual([
      STARTED,
      '{"type":"title","title":"cats"}',
      JSON.stringify({
        type: 'tool',
        subtype: 'call',
        uuid,
        call: { name: 'search', parameters: { query: 'cats' } },
        originalId: `call_${uuid.replace(/-/g, '').slice(0, 24)}`,
        argumentsRaw: '{"query":"cats"}',
      }),
      JSON.stringify({ type: 'tool', subtype: 'eta', uuid, eta: 10 }),
      JSON.stringify({
        type: 'tool',
        subtype: 'result',
        uuid,
        result: {
          status: 'success',
          call: { name: 'search', parameters: { query: 'cats' } },
          outputs: [
            { text: 'Results for cats', content: [{ type: 'text', text: 'Results for cats' }] },
          ],
          display: true,
        },
      }),
      tokenLine('one'),
      tokenLine(' two'),
      '{"type":"finalAnswer","text":"one two","interrupted":false}',
      FINISHED,
    ]);
    const stored = (await storedMessages(emu.url, ready)).at(-1)!;
    expect((stored.updates as Record<string, unknown>[]).filter((u) => u.type === 'tool')).toEqual(
      toolUpdates(res.body),
    );
  });

  it('reports progress, or the tool error, as chat-ui writes them', async () => {
    const emu = await start({
      reply,
      chatUi: {
        tool: (prompt): EmulatorToolCall =>
          prompt === 'fail'
            ? { name: 'fetch', parameters: { url: 'x' }, error: 'Tool failed: 404' }
            : {
                name: 'slow',
                parameters: { n: 2, deep: true },
                output: 'done',
                progress: [{ progress: 1, total: 2, message: 'half' }, { progress: 2 }],
                durationMs: 30,
              },
      },
    });
    const ready = await newConversation(emu.url, 'tool-caller');
    const res = await postStream(emu.url, ready, turn(ready, 'go'));
    const [, , first, second] = toolUpdates(res.body);
    expect(first).toEqual({
      type: 'tool',
      subtype: 'progress',
      uuid: first.uuid,
      progress: 1,
      total: 2,
      message: 'half',
    });
    expect(second).toEqual({ type: 'tool', subtype: 'progress', uuid: first.uuid, progress: 2 });
    const again = await newConversation(emu.url, 'tool-caller');
    const failed = await postStream(emu.url, again, turn(again, 'fail'));
    const ups = toolUpdates(failed.body);
    expect(ups.map((u) => u.subtype)).toEqual(['call', 'eta', 'error']);
    expect(ups[2]).toEqual({
      type: 'tool',
      subtype: 'error',
      uuid: ups[0].uuid,
      message: 'Tool failed: 404',
    });
    expect(updates(failed.body).find((u) => u.type === 'finalAnswer')?.text).toBe('one two');
  });

  it('follows the MCP selection: names filter the servers, custom servers join them; all recorded', async () => {
    const emu = await start({ reply });
    const ready = await newConversation(emu.url, 'tool-caller');
    const none = await postStream(
      emu.url,
      ready,
      turn(ready, 'a', { selectedMcpServerNames: [], selectedMcpServers: [] }),
    );
    expect(toolUpdates(none.body)).toEqual([]);
    const other = await newConversation(emu.url, 'tool-caller');
    const custom = [
      { name: 'mine', url: 'https://mine.test/mcp', headers: [{ key: 'x-k', value: 'v' }] },
    ];
    const res = await postStream(
      emu.url,
      other,
      turn(other, 'b', {
        selectedMcpServerNames: ['mine'],
        selectedMcpServers: custom,
        timezone: 'Europe/Paris',
      }),
    );
    expect(toolUpdates(res.body).map((u) => u.subtype)).toEqual(['call', 'eta', 'result']);
    const streams = emu.requests.filter((r) => r.step === 'stream');
    expect(streams.map((r) => r.inputs)).toEqual([
      { selectedMcpServerNames: [], selectedMcpServers: [] },
      { selectedMcpServerNames: ['mine'], selectedMcpServers: custom, timezone: 'Europe/Paris' },
    ]);
  });

  it('a plain model never calls tools, whatever the selection', async () => {
    const emu = await start({ reply });
    const ready = await newConversation(emu.url, 'llama3');
    const res = await postStream(
      emu.url,
      ready,
      turn(ready, 'a', { selectedMcpServerNames: ['tools'] }),
    );
    expect(toolUpdates(res.body)).toEqual([]);
  });

  it('refuses a malformed selection with chat-ui’s 500', async () => {
    const emu = await start({ reply });
    const ready = await newConversation(emu.url, 'tool-caller');
    const res = await postStream(
      emu.url,
      ready,
      turn(ready, 'a', { selectedMcpServerNames: 'tools' }),
    );
    expect(res.status).toBe(500);
    expect(JSON.parse(res.body)).toMatchObject({ message: 'An error occurred' });
  });
});

describe('files', () => {
  // A PNG's first bytes: not valid UTF-8, as most images are not.
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0x00, 0x10]);
  const part = (name: string, data: Buffer, type = 'image/png'): FilePart => ({
    filename: `base64;${name}`,
    type,
    body: data.toString('base64'),
  });
  // chat-ui hashes `file.text()`: the bytes as UTF-8, invalid sequences replaced.
  const shaOf = (data: Buffer) =>
    createHash('sha256').update(new TextDecoder().decode(data), 'utf8').digest('hex');

  it('stores each file by hash on the user message, and logs what was sent', async () => {
    const emu = await start({ reply });
    const ready = await newConversation(emu.url, 'vision');
    const text = Buffer.from('a;b,c\n1,2\n');
    const res = await postStream(emu.url, ready, turn(ready, 'Look'), undefined, {}, [
      part('cat.png', png),
      part('x;y.csv', text, 'Text/CSV'),
    ]);
    expect(res.status).toBe(200);
    const [log] = emu.requests.filter((r) => r.step === 'stream');
    expect(log.inputs?.files).toEqual([
      {
        name: 'cat.png',
        encoding: 'base64',
        mime: 'image/png',
        data: new Uint8Array(png),
        sha: shaOf(png),
      },
      {
        name: 'x;y.csv',
        encoding: 'base64',
        mime: 'text/csv',
        data: new Uint8Array(text),
        sha: shaOf(text),
      },
    ]);
    const user = (await storedMessages(emu.url, ready)).find((m) => m.from === 'user')!;
    expect(user.files).toEqual([
      { type: 'hash', value: shaOf(png), mime: 'image/png', name: 'cat.png' },
      { type: 'hash', value: shaOf(text), mime: 'text/csv', name: 'x;y.csv' },
    ]);
    expect(emu.prompts[0].files).toEqual([
      { name: 'cat.png', mime: 'image/png', sha: shaOf(png) },
      { name: 'x;y.csv', mime: 'text/csv', sha: shaOf(text) },
    ]);
  });

  it('takes any type on any model: the server leaves the type check to its front end', async () => {
    const emu = await start({ reply });
    const ready = await newConversation(emu.url, 'llama3');
    const res = await postStream(emu.url, ready, turn(ready, 'Look'), undefined, {}, [
      part('a.bin', png, 'application/octet-stream'),
    ]);
    expect(res.status).toBe(200);
    const user = (await storedMessages(emu.url, ready)).find((m) => m.from === 'user')!;
    expect(user.files).toEqual([
      { type: 'hash', value: shaOf(png), mime: 'application/octet-stream', name: 'a.bin' },
    ]);
  });

  it('a file over 10 MB: 413 "File too large, should be <10MB", nothing stored', async () => {
    const emu = await start({ reply });
    const ready = await newConversation(emu.url, 'vision');
    const big = Buffer.alloc(10 * 1024 * 1024 + 1, 7);
    const res = await postStream(emu.url, ready, turn(ready, 'Look'), undefined, {}, [
      part('big.png', big),
    ]);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toEqual({ message: 'File too large, should be <10MB' });
    expect((await storedMessages(emu.url, ready)).length).toBe(1);
    const exact = await postStream(emu.url, ready, turn(ready, 'Look'), undefined, {}, [
      part('ten.png', Buffer.alloc(10 * 1024 * 1024, 7)),
    ]);
    expect(exact.status).toBe(200);
  }, 60_000);

  it('a filename without base64; or hash; fails the schema: 500; an empty part is skipped', async () => {
    const emu = await start({ reply });
    const ready = await newConversation(emu.url, 'vision');
    const res = await postStream(emu.url, ready, turn(ready, 'Look'), undefined, {}, [
      { filename: 'cat.png', type: 'image/png', body: png.toString('base64') },
    ]);
    expect(res.status).toBe(500);
    const empty = await postStream(emu.url, ready, turn(ready, 'Look'), undefined, {}, [
      { filename: 'nothing', type: 'image/png', body: '' },
    ]);
    expect(empty.status).toBe(200);
    const user = (await storedMessages(emu.url, ready)).find((m) => m.from === 'user')!;
    expect(user.files).toEqual([]);
  });

  it('hash;<name> names a stored file by its sha: kept as given, after the uploads', async () => {
    const emu = await start({ reply });
    const ready = await newConversation(emu.url, 'vision');
    await postStream(emu.url, ready, turn(ready, 'Look'), undefined, {}, [
      { filename: 'hash;old.png', type: 'image/png', body: 'abc123' },
      part('new.png', png),
    ]);
    const user = (await storedMessages(emu.url, ready)).find((m) => m.from === 'user')!;
    expect(user.files).toEqual([
      { type: 'hash', value: shaOf(png), mime: 'image/png', name: 'new.png' },
      { type: 'hash', value: 'abc123', mime: 'image/png', name: 'old.png' },
    ]);
  });
});

describe('preprompt', () => {
  it('is the root message and the system prompt the model gets; logged', async () => {
    const emu = await start({ reply });
    const ready = await newConversation(emu.url, 'llama3', { preprompt: 'Be brief.' });
    const [created] = emu.requests;
    expect(created.inputs).toEqual({ preprompt: 'Be brief.' });
    const { json } = await getConversation(emu.url, ready);
    expect(json.preprompt).toBe('Be brief.');
    expect((json.messages as Record<string, unknown>[])[0]).toMatchObject({
      from: 'system',
      content: 'Be brief.',
    });
    await postStream(emu.url, ready, turn(ready, 'Hi'));
    expect(emu.prompts[0].params.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
    ]);
  });

  it('a preprompt that is not a string: 400 Invalid request', async () => {
    const emu = await start();
    const res = await postConversation(emu.url, 'llama3', undefined, { preprompt: 5 });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ message: 'Invalid request' });
  });
});
