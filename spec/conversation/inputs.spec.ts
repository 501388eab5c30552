import { concat, lastValueFrom, switchMap, toArray } from 'rxjs';
import {
  completion$,
  completionEvents$,
  H2oInputError,
  h2oRetry,
  listModels$,
  openConversation,
  type ConversationOptions,
  type H2oConversation,
  type H2oFile,
} from '../../lib';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../lib/testing';
import { collect, quiet } from '../helpers';
import { chatUiData, doneText, opened, since, streams, turn } from './support';

let emu: Emulator;
afterEach(() => emu.close());

const start = async (options: EmulatorOptions = {}) => {
  emu = await startEmulator({ dialect: 'chat-ui', reply: () => ['fine'], ...options });
  return emu;
};
const open = (model: string, options: ConversationOptions = {}) =>
  opened(openConversation(model, { baseUrl: emu.url, dialect: 'chat-ui', ...options }));
const fails = async (
  chat: H2oConversation,
  content: string,
  options: Parameters<H2oConversation['ask$']>[1],
) => (await collect(chat.ask$(content, options))).error;

// A PNG's first bytes, and bytes that are not UTF-8: the base64 must carry them exactly.
const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0x00, 0xfe]);
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

describe('ask$ with files (dialect chat-ui)', () => {
  it('sends each file as chat-ui’s front end does: a files part base64;<name>, before data', async () => {
    await start();
    const chat = await open('vision');
    const file = new File([png], 'cat.png', { type: 'image/png' });
    const events = await turn(chat.ask$('What is this?', { files: [file] }));
    expect(doneText(events)).toBe('fine');
    expect(since(emu, 1)).toEqual([
      'GET /api/v2/models',
      'POST /conversation/:id',
      'GET /api/v2/conversations/:id',
    ]);
    const [stream] = streams(emu);
    expect(stream.inputs?.files).toEqual([
      expect.objectContaining({
        name: 'cat.png',
        encoding: 'base64',
        mime: 'image/png',
        data: png,
      }),
    ]);
    const boundary = /boundary=(.*)$/.exec(String(stream.headers['content-type']))![1];
    expect(stream.body).toBe(
      `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="base64;cat.png"\r\n` +
        `Content-Type: image/png\r\n\r\n${b64(png)}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="data"\r\n\r\n` +
        `${JSON.stringify(chatUiData(stream))}\r\n--${boundary}--\r\n`,
    );
    expect(chatUiData(stream)).toMatchObject({ inputs: 'What is this?', is_retry: false });
    expect(emu.prompts[0].files).toEqual([
      { name: 'cat.png', mime: 'image/png', sha: stream.inputs!.files![0].sha },
    ]);
  });

  it('takes { name, type, data } with a Uint8Array or a Blob; reads the model list once', async () => {
    await start();
    const chat = await open('vision');
    const files: H2oFile[] = [
      { name: 'a.jpg', type: 'image/jpeg', data: png },
      { name: 'notes.txt', type: 'text/plain', data: new Blob(['hé, notes']) },
    ];
    await lastValueFrom(
      concat(chat.ask$('one', { files }), chat.ask$('two'), chat.ask$('three', { files })),
    );
    const sent = streams(emu).map((r) => r.inputs?.files?.map((f) => [f.name, f.mime, f.data]));
    expect(sent).toEqual([
      [
        ['a.jpg', 'image/jpeg', png],
        ['notes.txt', 'text/plain', new TextEncoder().encode('hé, notes')],
      ],
      undefined,
      [
        ['a.jpg', 'image/jpeg', png],
        ['notes.txt', 'text/plain', new TextEncoder().encode('hé, notes')],
      ],
    ]);
    expect(emu.requests.filter((r) => r.path === '/api/v2/models')).toHaveLength(1);
  });

  it('a retried turn (h2oRetry after a 503) sends its files again, the model list read once', async () => {
    await start();
    const chat = await open('vision');
    emu.inject({ step: 'stream', status: 503 });
    const files = [{ name: 'a.png', type: 'image/png', data: png }];
    const events = await turn(chat.ask$('look', { files }).pipe(h2oRetry({ count: 2, baseMs: 1 })));
    expect(doneText(events)).toBe('fine');
    // The fault answers before the server reads the body: the body itself shows the file.
    expect(streams(emu).map((r) => [r.status, r.body.includes('filename="base64;a.png"')])).toEqual(
      [
        [503, true],
        [200, true],
      ],
    );
    expect(streams(emu)[1].inputs?.files?.map((f) => f.data)).toEqual([png]);
    expect(emu.requests.filter((r) => r.path === '/api/v2/models')).toHaveLength(1);
  });

  it('a turn without files makes no extra request', async () => {
    await start();
    const chat = await open('vision');
    await turn(chat.ask$('hi'));
    expect(since(emu, 1)).toEqual(['POST /conversation/:id', 'GET /api/v2/conversations/:id']);
  });

  it('a type the model does not take: H2oInputError naming what it takes, no turn request', async () => {
    await start();
    const chat = await open('llama3');
    const error = await fails(chat, 'look', {
      files: [{ name: 'cat.png', type: 'image/png', data: png }],
    });
    expect(error).toBeInstanceOf(H2oInputError);
    expect((error as Error).message).toBe(
      'file cat.png is of type image/png, which model llama3 does not take: it takes text/*, application/json, application/xml, application/csv',
    );
    expect(since(emu, 1)).toEqual(['GET /api/v2/models']);
    // Text goes to every model, as chat-ui's front end lets it.
    await turn(chat.ask$('read', { files: [{ name: 'a.csv', type: 'text/csv', data: png }] }));
    expect(streams(emu)).toHaveLength(1);
  });

  it('follows the server’s accepted types, wildcards and all', async () => {
    await start({
      chatUi: {
        models: [{ id: 'eyes', multimodal: true, multimodalAcceptedMimetypes: ['image/png'] }],
      },
    });
    const chat = await open('eyes');
    const error = await fails(chat, 'look', {
      files: [{ name: 'a.gif', type: 'image/gif', data: png }],
    });
    expect((error as Error).message).toMatch(/it takes text\/\*, .*, image\/png$/);
    await turn(chat.ask$('look', { files: [{ name: 'a.png', type: 'image/png', data: png }] }));
    expect(streams(emu)).toHaveLength(1);
  });

  it('a file over 10 MB: H2oInputError before any request', async () => {
    await start();
    const chat = await open('vision');
    const big = new Uint8Array(10 * 1024 * 1024 + 1);
    const error = await fails(chat, 'look', {
      files: [{ name: 'big.png', type: 'image/png', data: big }],
    });
    expect(error).toBeInstanceOf(H2oInputError);
    expect((error as Error).message).toBe(
      'file big.png is 10485761 bytes: the server takes files up to 10 MB (10485760 bytes)',
    );
    expect(since(emu, 1)).toEqual([]);
  });

  it('files that are not files: H2oInputError, no request', async () => {
    await start();
    const chat = await open('vision');
    const bad: unknown[] = [
      'cat.png',
      [new Blob([png])],
      [{ name: '', type: 'image/png', data: png }],
      [{ name: 'a', type: 'image/png', data: 'AAEC' }],
    ];
    for (const files of bad) {
      const error = await fails(chat, 'look', { files: files as H2oFile[] });
      expect(error).toBeInstanceOf(H2oInputError);
    }
    expect(since(emu, 1)).toEqual([]);
  });

  it('a filename with a quote or a line break is escaped as a browser escapes it', async () => {
    await start();
    const chat = await open('vision');
    await turn(
      chat.ask$('look', { files: [{ name: 'a"b\nc.png', type: 'image/png', data: png }] }),
    );
    expect(streams(emu)[0].body).toContain('filename="base64;a%22b%0Ac.png"');
    expect(streams(emu)[0].inputs?.files?.[0].name).toBe('a%22b%0Ac.png');
  });
});

describe('preprompt (dialect chat-ui)', () => {
  it('is sent in POST /conversation: the server keeps it and prompts the model with it', async () => {
    await start();
    const chat = await open('llama3', { preprompt: 'Answer in French.' });
    await turn(chat.ask$('Hello'));
    const [created] = emu.requests;
    expect(JSON.parse(created.body)).toEqual({ model: 'llama3', preprompt: 'Answer in French.' });
    expect(created.inputs).toEqual({ preprompt: 'Answer in French.' });
    expect(emu.prompts[0].params.messages).toEqual([
      { role: 'system', content: 'Answer in French.' },
      { role: 'user', content: 'Hello' },
    ]);
    const history = await lastValueFrom(chat.messages$());
    expect(history[0]).toMatchObject({ role: 'system', content: 'Answer in French.' });
  });

  it('not a string, or with conversationId: H2oInputError before any request', async () => {
    await start();
    for (const options of [
      { preprompt: 5 as unknown as string },
      { preprompt: 'x', conversationId: '0123456789abcdef01234567' },
    ]) {
      const { error } = await collect(
        openConversation('llama3', { baseUrl: emu.url, dialect: 'chat-ui', ...options }),
      );
      expect(error).toBeInstanceOf(H2oInputError);
    }
    expect(emu.requests).toEqual([]);
  });
});

describe('MCP servers (dialect chat-ui)', () => {
  it('the conversation’s selection goes in every turn’s data, as the front end sends it', async () => {
    await start();
    const chat = await open('tool-caller', {
      mcpServers: [
        'tools',
        { name: 'mine', url: 'https://mine.test/mcp', headers: { 'x-k': 'v' } },
      ],
    });
    const events = await turn(chat.ask$('cats'));
    expect(events.filter((e) => e.type.startsWith('tool-')).map((e) => e.type)).toEqual([
      'tool-call',
      'tool-progress',
      'tool-result',
    ]);
    await turn(chat.regenerate$());
    const selection = {
      selectedMcpServerNames: ['tools', 'mine'],
      selectedMcpServers: [
        { name: 'mine', url: 'https://mine.test/mcp', headers: [{ key: 'x-k', value: 'v' }] },
      ],
    };
    expect(streams(emu).map((r) => r.inputs)).toEqual([selection, selection]);
    expect(chatUiData(streams(emu)[0])).toMatchObject(selection);
  });

  it('ask$’s own selection wins; [] turns the server’s tools off; none given sends none', async () => {
    await start();
    const chat = await open('tool-caller', { mcpServers: ['tools'] });
    const off = await turn(chat.ask$('a', { mcpServers: [] }));
    expect(off.some((e) => e.type === 'tool-call')).toBe(false);
    const plain = await open('tool-caller');
    const on = await turn(plain.ask$('b'));
    expect(on.some((e) => e.type === 'tool-call')).toBe(true);
    const [first, second] = streams(emu);
    expect(first.inputs).toEqual({ selectedMcpServerNames: [], selectedMcpServers: [] });
    expect(second.inputs).toBeUndefined();
    expect(Object.keys(chatUiData(second))).toEqual([
      'inputs',
      'id',
      'is_retry',
      'is_continue',
      'generationId',
    ]);
  });

  it('a bad selection is an H2oInputError, no request', async () => {
    await start();
    const chat = await open('tool-caller');
    for (const mcpServers of [
      'tools',
      [''],
      [{ name: 'x' }],
      [{ name: 'x', url: 'u', headers: 1 }],
      // An array is an object too, but no headers: it would be sent as { key: '0', value: 'x' }.
      [{ name: 'x', url: 'u', headers: ['x'] }],
      [null],
    ]) {
      const error = await fails(chat, 'a', { mcpServers: mcpServers as never });
      expect(error).toBeInstanceOf(H2oInputError);
    }
    expect(since(emu, 1)).toEqual([]);
  });
});

describe('dialect h2o takes none of them', () => {
  it('files, preprompt, mcpServers: H2oInputError, no request', async () => {
    emu = await startEmulator();
    const options = { baseUrl: emu.url };
    for (const extra of [{ preprompt: 'x' }, { mcpServers: ['tools'] }]) {
      const { error } = await collect(openConversation('falcon-40b', { ...options, ...extra }));
      expect(error).toBeInstanceOf(H2oInputError);
      expect((error as Error).message).toMatch(/dialect h2o \(2023 chat-ui\) takes no/);
    }
    expect(emu.requests).toEqual([]);
    const { error } = await collect(
      openConversation('falcon-40b', options).pipe(
        switchMap((chat) =>
          chat.ask$('hi', { files: [{ name: 'a.txt', type: 'text/plain', data: png }] }),
        ),
      ),
    );
    expect(error).toBeInstanceOf(H2oInputError);
    expect((error as Error).message).toBe(
      'dialect h2o (2023 chat-ui) takes no files: its server has none',
    );
    await quiet(emu);
    expect(streams(emu)).toEqual([]);
  });
});

describe('completionEvents$ with files and MCP servers', () => {
  it('dialect chat-ui: the model list, then the conversation and the stream with the files', async () => {
    await start();
    const events = await lastValueFrom(
      completionEvents$('tool-caller', [{ role: 'user', content: 'read it' }], {
        baseUrl: emu.url,
        dialect: 'chat-ui',
        files: [{ name: 'a.txt', type: 'text/plain', data: png }],
        mcpServers: [],
      }).pipe(toArray()),
    );
    expect(events.at(-1)).toMatchObject({ type: 'done', text: 'fine' });
    expect(events.some((e) => e.type === 'tool-call')).toBe(false);
    expect(since(emu, 0)).toEqual([
      'GET /api/v2/models',
      'POST /conversation',
      'POST /conversation/:id',
    ]);
    expect(streams(emu)[0].inputs).toEqual({
      files: [expect.objectContaining({ name: 'a.txt', mime: 'text/plain', data: png })],
      selectedMcpServerNames: [],
      selectedMcpServers: [],
    });
  });

  it('a type the model does not take: H2oInputError after the model list only', async () => {
    await start();
    const { error } = await collect(
      completion$('llama3', [{ role: 'user', content: 'look' }], {
        baseUrl: emu.url,
        dialect: 'chat-ui',
        files: [{ name: 'cat.png', type: 'image/png', data: png }],
      }),
    );
    expect(error).toBeInstanceOf(H2oInputError);
    expect(since(emu, 0)).toEqual(['GET /api/v2/models']);
  });

  it('dialect h2o: files or mcpServers are an H2oInputError before any request', async () => {
    emu = await startEmulator();
    for (const extra of [
      { files: [{ name: 'a.txt', type: 'text/plain', data: png }] },
      { mcpServers: ['tools'] },
    ]) {
      const { error } = await collect(
        completion$('falcon-40b', [{ role: 'user', content: 'hi' }], {
          baseUrl: emu.url,
          ...extra,
        }),
      );
      expect(error).toBeInstanceOf(H2oInputError);
    }
    expect(emu.requests).toEqual([]);
  });

  it('openConversation takes no files (ask$ does)', async () => {
    await start();
    const { error } = await collect(
      openConversation('vision', {
        baseUrl: emu.url,
        dialect: 'chat-ui',
        ...({ files: [] } as object),
      }),
    );
    expect((error as Error).message).toBe('openConversation takes no files option (ask$ takes it)');
  });
});

describe('listModels$ capabilities', () => {
  it('dialect chat-ui: GET /api/v2/models, each model with what it can do', async () => {
    await start();
    const list = await lastValueFrom(listModels$({ baseUrl: emu.url, dialect: 'chat-ui' }));
    expect(emu.requests.map((r) => r.path)).toEqual(['/api/v2/models']);
    expect(list.find((m) => m.id === 'vision')).toEqual({
      id: 'vision',
      name: 'vision',
      multimodal: true,
      multimodalAcceptedMimetypes: ['image/*'],
      supportsTools: false,
      supportsReasoning: false,
    });
    expect(list.find((m) => m.id === 'reasoner')).toMatchObject({ supportsReasoning: true });
    expect(list.find((m) => m.id === 'tool-caller')).toMatchObject({ supportsTools: true });
    expect(list.find((m) => m.id === 'llama3')).not.toHaveProperty('multimodalAcceptedMimetypes');
  });

  it('GET /api/models (the default): the flags the server lists there, no accepted types', async () => {
    await start();
    const list = await lastValueFrom(listModels$({ baseUrl: emu.url }));
    expect(list.find((m) => m.id === 'vision')).toEqual({
      id: 'vision',
      name: 'vision',
      multimodal: true,
      supportsTools: false,
      supportsReasoning: false,
    });
  });

  it('dialect h2o: no capability fields, as its server lists none', async () => {
    emu = await startEmulator();
    const list = await lastValueFrom(listModels$({ baseUrl: emu.url, dialect: 'h2o' }));
    expect(Object.keys(list[0])).toEqual(['id', 'name']);
  });
});
