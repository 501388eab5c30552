// The package as users get it: `npm pack`, installed into a fresh project, then loaded with
// require() and import, type-checked under `module: nodenext` and `moduleResolution: bundler`,
// its bin run with npx, bundled for a browser, and its error classes checked across the two
// builds (the dual-package hazard). Run with `npm run test:package`.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';

const repo = resolve(__dirname, '../..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let work: string;
let app: string;
let packedFiles: string[];

const write = (path: string, text: string) => {
  mkdirSync(resolve(path, '..'), { recursive: true });
  writeFileSync(path, text);
};

const node = (file: string, args: string[] = []) => {
  const run = spawnSync(process.execPath, [file, ...args], {
    cwd: app,
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (run.status !== 0) throw new Error(`node ${file} exited ${run.status}: ${run.stderr}`);
  return run.stdout;
};

const tsc = (project: string) =>
  spawnSync(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', project], {
    cwd: app,
    encoding: 'utf8',
  });

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'h2o-rx-pack-'));
  // `npm pack` runs the `prepack` script, which builds dist/ first.
  const packed = JSON.parse(
    execFileSync(npm, ['pack', '--json', '--pack-destination', work], {
      cwd: repo,
      encoding: 'utf8',
    }),
  ) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const tarball = join(work, packed[0].filename);
  packedFiles = packed[0].files.map((f) => f.path);
  app = join(work, 'app');
  write(
    join(app, 'package.json'),
    JSON.stringify({ name: 'app', private: true, dependencies: { 'h2o-rx': `file:${tarball}` } }),
  );
  execFileSync(
    npm,
    ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'],
    {
      cwd: app,
      stdio: 'pipe',
    },
  );
}, 180_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

// Each script streams one answer from the emulator and prints what it saw as JSON.
const roundTrip = (load: string) => `${load}
const emu = await startEmulator();
try {
  const tokens = await lastValueFrom(
    completion$('falcon-40b', [{ role: 'user', content: 'Hi there' }], { baseUrl: emu.url }).pipe(toArray()),
  );
  console.log(JSON.stringify({ tokens, isError: new H2oInputError('x') instanceof H2oError }));
} finally {
  await emu.close();
}`;

test('require() loads the CommonJS build of h2o-rx and h2o-rx/testing', () => {
  write(
    join(app, 'cjs.cjs'),
    `(async () => {${roundTrip(`
const { completion$, H2oError, H2oInputError } = require('h2o-rx');
const { startEmulator } = require('h2o-rx/testing');
const { lastValueFrom, toArray } = require('rxjs');
console.error(require.resolve('h2o-rx'));`)}
})();`,
  );
  const out = JSON.parse(node('cjs.cjs'));
  expect(out.tokens.join('')).toBe('Hello! You said: Hi there');
  expect(out.isError).toBe(true);
  const where = spawnSync(process.execPath, ['-p', "require.resolve('h2o-rx')"], {
    cwd: app,
    encoding: 'utf8',
  });
  expect(where.stdout).toMatch(/dist[\\/]cjs[\\/]index\.js/);
});

test('import loads the ESM build of h2o-rx and h2o-rx/testing', () => {
  write(
    join(app, 'esm.mjs'),
    roundTrip(`
import { completion$, H2oError, H2oInputError } from 'h2o-rx';
import { startEmulator } from 'h2o-rx/testing';
import { lastValueFrom, toArray } from 'rxjs';`),
  );
  const out = JSON.parse(node('esm.mjs'));
  expect(out.tokens.join('')).toBe('Hello! You said: Hi there');
  write(join(app, 'where.mjs'), `console.log(import.meta.resolve('h2o-rx'));`);
  expect(node('where.mjs')).toMatch(/dist\/esm\/index\.js/);
});

test('a conversation from the packed package: both dialects, h2oText, resume, delete$', () => {
  write(
    join(app, 'chat.mjs'),
    `import { concat, firstValueFrom, lastValueFrom, switchMap, toArray } from 'rxjs';
import { completionEvents$, h2oText, openConversation } from 'h2o-rx';
import { startEmulator } from 'h2o-rx/testing';
const out = {};
for (const [dialect, model] of [['h2o', 'falcon-40b'], ['chat-ui', 'llama3']]) {
  const emu = await startEmulator({ dialect, reply: (p) => 'You said ' + p.split('<|prompt|>').pop().split('<|endoftext|>')[0] });
  try {
    const chat = await firstValueFrom(openConversation(model, { baseUrl: emu.url, dialect }));
    const texts = await lastValueFrom(
      concat(chat.ask$('one').pipe(h2oText()), chat.ask$('two').pipe(h2oText())).pipe(toArray()),
    );
    const history = await lastValueFrom(chat.messages$());
    await lastValueFrom(chat.delete$());
    out[dialect] = { last: texts.at(-1), history: history.map((m) => m.role + ':' + m.content) };
  } finally {
    await emu.close();
  }
}
// Dialect chat-ui: the connection drops after 2 tokens; the answer goes on from the server.
const emu = await startEmulator({ dialect: 'chat-ui', reply: () => 'a b c d e f' });
try {
  emu.inject({ step: 'stream', kind: 'drop', afterTokens: 2 });
  const events = await lastValueFrom(
    completionEvents$('llama3', [{ role: 'user', content: 'go' }], { baseUrl: emu.url, dialect: 'chat-ui' }).pipe(toArray()),
  );
  out.resume = {
    steps: events.filter((e) => e.type === 'step').map((e) => e.step),
    tokens: events.filter((e) => e.type === 'token').map((e) => e.text).join(''),
    done: events.at(-1).text,
  };
} finally {
  await emu.close();
}
console.log(JSON.stringify(out));
`,
  );
  const out = JSON.parse(node('chat.mjs'));
  for (const dialect of ['h2o', 'chat-ui']) {
    expect(out[dialect].last).toBe('You said two');
    expect(out[dialect].history).toEqual([
      'user:one',
      'assistant:You said one',
      'user:two',
      'assistant:You said two',
    ]);
  }
  expect(out.resume).toEqual({
    steps: ['conversation', 'stream', 'resume'],
    tokens: 'a b c d e f',
    done: 'a b c d e f',
  });
});

test('an image turn to the vision model from the packed package (files, listModels$)', () => {
  write(
    join(app, 'vision.mjs'),
    `import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { listModels$, openConversation } from 'h2o-rx';
import { startEmulator, VISION_MODEL_ID } from 'h2o-rx/testing';
const emu = await startEmulator({ dialect: 'chat-ui', reply: () => 'a cat' });
try {
  const baseUrl = emu.url;
  const models = await lastValueFrom(listModels$({ baseUrl, dialect: 'chat-ui' }));
  const chat = await firstValueFrom(openConversation(VISION_MODEL_ID, { baseUrl, dialect: 'chat-ui' }));
  const image = new File([new Uint8Array([137, 80, 78, 71, 255, 0])], 'cat.png', { type: 'image/png' });
  const events = await lastValueFrom(chat.ask$('What is it?', { files: [image] }).pipe(toArray()));
  const sent = emu.requests.find((r) => r.step === 'stream').inputs.files[0];
  console.log(JSON.stringify({
    vision: models.find((m) => m.id === VISION_MODEL_ID),
    done: events.at(-1).text,
    sent: { name: sent.name, mime: sent.mime, bytes: [...sent.data] },
  }));
} finally {
  await emu.close();
}
`,
  );
  const out = JSON.parse(node('vision.mjs'));
  expect(out).toEqual({
    vision: {
      id: 'vision',
      name: 'vision',
      multimodal: true,
      multimodalAcceptedMimetypes: ['image/*'],
      supportsTools: false,
      supportsReasoning: false,
    },
    done: 'a cat',
    sent: { name: 'cat.png', mime: 'image/png', bytes: [137, 80, 78, 71, 255, 0] },
  });
});

test('errors from one build are recognised by the other (dual-package hazard)', () => {
  write(
    join(app, 'hazard.mjs'),
    `import { createRequire } from 'node:module';
import { lastValueFrom } from 'rxjs';
import * as esm from 'h2o-rx';
import { startEmulator } from 'h2o-rx/testing';
const cjs = createRequire(import.meta.url)('h2o-rx');
const fail = async (lib, baseUrl) => {
  try {
    await lastValueFrom(lib.completion$('falcon-40b', [{ role: 'user', content: 'Hi' }], { baseUrl }));
  } catch (err) {
    return err;
  }
  throw new Error('no error');
};
const emu = await startEmulator();
try {
  const verdicts = {};
  for (const [from, lib, other] of [['esm', esm, cjs], ['cjs', cjs, esm]]) {
    emu.inject({ step: 'conversation', status: 503 });
    const http = await fail(lib, emu.url);
    const input = await lib.completion$('nope', []).toPromise().catch((e) => e);
    verdicts[from] = {
      ownClass: http instanceof lib.H2oHttpError,
      otherHttp: http instanceof other.H2oHttpError,
      otherBase: http instanceof other.H2oError,
      otherBuiltin: http instanceof Error,
      otherRetryable: other.isRetryable(http),
      inputIsInput: input instanceof other.H2oInputError,
      inputIsNotHttp: !(input instanceof other.H2oHttpError),
      inputNotRetryable: !other.isRetryable(input),
    };
  }
  console.log(JSON.stringify({ distinct: esm.H2oError !== cjs.H2oError, verdicts }));
} finally {
  await emu.close();
}`,
  );
  const out = JSON.parse(node('hazard.mjs'));
  expect(out.distinct).toBe(true); // really two builds, two sets of classes
  for (const from of ['esm', 'cjs']) {
    expect(out.verdicts[from]).toEqual({
      ownClass: true,
      otherHttp: true,
      otherBase: true,
      otherBuiltin: true,
      otherRetryable: true,
      inputIsInput: true,
      inputIsNotHttp: true,
      inputNotRetryable: true,
    });
  }
});

const usage = `
import { lastValueFrom, Observable, timeout } from 'rxjs';
import { completion$, completionEvents$, h2oRetry, H2oError, isRetryable, type CompletionEvent } from 'h2o-rx';
import { startEmulator, type Emulator } from 'h2o-rx/testing';
export const tokens: Observable<string> = completion$('falcon-40b', [{ role: 'user', content: 'Hi' }]).pipe(
  timeout({ first: 1000 }),
  h2oRetry({ count: 2 }),
);
export const events: Observable<CompletionEvent> = completionEvents$('falcon-7b', [{ role: 'user', content: 'Hi' }]);
export const emulator: Promise<Emulator> = startEmulator({ port: 0 });
export const check = (e: unknown): boolean => e instanceof H2oError && isRetryable(e);
export const last = lastValueFrom(tokens);
// @ts-expect-error: a role that does not exist
completion$('falcon-40b', [{ role: 'robot', content: 'Hi' }]);
`;

const project = (
  dir: string,
  compilerOptions: Record<string, unknown>,
  files: Record<string, string>,
) => {
  for (const [name, text] of Object.entries(files)) write(join(app, dir, name), text);
  write(
    join(app, dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: 'ES2022',
        lib: ['ES2022', 'DOM'],
        types: ['node'],
        typeRoots: [join(repo, 'node_modules/@types')],
        ...compilerOptions,
      },
      include: ['*'],
    }),
  );
  return join(dir, 'tsconfig.json');
};

test('types check in a module: nodenext project (ESM and CJS files)', () => {
  const config = project(
    'nodenext',
    { module: 'nodenext', moduleResolution: 'nodenext' },
    {
      'esm.mts': usage,
      'cjs.cts': `import h2o = require('h2o-rx');
import testing = require('h2o-rx/testing');
export const run = h2o.completion$('falcon-40b', [{ role: 'user', content: 'Hi' }]);
export const emu = testing.startEmulator();
// @ts-expect-error: no such export
h2o.nope();
`,
    },
  );
  const result = tsc(config);
  expect(result.stdout + result.stderr).toBe('');
  expect(result.status).toBe(0);
});

test('types check in a moduleResolution: bundler project', () => {
  const config = project(
    'bundler',
    { module: 'esnext', moduleResolution: 'bundler' },
    { 'app.ts': usage },
  );
  const result = tsc(config);
  expect(result.stdout + result.stderr).toBe('');
  expect(result.status).toBe(0);
});

test('a type error in user code is reported (the type checks above can fail)', () => {
  const config = project(
    'broken',
    { module: 'nodenext', moduleResolution: 'nodenext' },
    {
      'app.mts': `import { completion$ } from 'h2o-rx';\nexport const n: number = completion$('falcon-40b', []);\n`,
    },
  );
  const result = tsc(config);
  expect(result.status).not.toBe(0);
  expect(result.stdout).toMatch(/Observable<string>.*number/);
});

test('the h2o-rx bin runs with npx against the embedded emulator', () => {
  const run = spawnSync(npm, ['exec', '--offline', '--', 'h2o-rx', '--emulator', 'Hi'], {
    cwd: app,
    encoding: 'utf8',
    timeout: 30_000,
  });
  // npm itself may warn about the machine's config; the CLI must print nothing else there.
  expect(run.stderr.split('\n').filter((l) => l && !l.startsWith('npm warn'))).toEqual([]);
  expect(run.stdout).toBe('Hello! You said: Hi\n');
  expect(run.status).toBe(0);
  const direct = node('node_modules/h2o-rx/dist/cjs/cli/main.js', ['--emulator', 'Hello']);
  expect(direct).toBe('Hello! You said: Hello\n');
});

test('a browser bundle leaves node-fetch, fetch-cookie and node:http out; a Node bundle keeps them', async () => {
  write(join(app, 'page.js'), `import { completion$ } from 'h2o-rx';\nwindow.run = completion$;\n`);
  const bundle = async (platform: 'browser' | 'node') => {
    const result = await esbuild.build({
      absWorkingDir: app,
      entryPoints: ['page.js'],
      bundle: true,
      write: false,
      metafile: true,
      platform,
      format: 'esm',
      external: platform === 'node' ? ['node:*'] : [],
      logLevel: 'silent',
    });
    return Object.keys(result.metafile.inputs).join('\n');
  };
  const browser = await bundle('browser');
  expect(browser).toMatch(/h2o-rx\/dist\/browser\/index\.js/);
  expect(browser).toMatch(/node_modules\/rxjs\//);
  expect(browser).not.toMatch(/cross-fetch|node-fetch|fetch-cookie|tough-cookie/);
  const nodeBundle = await bundle('node');
  expect(nodeBundle).toMatch(/h2o-rx\/dist\/esm\/index\.js/);
  expect(nodeBundle).toMatch(/cross-fetch|node-fetch/);
  expect(nodeBundle).toMatch(/fetch-cookie/);
});

test('a browser bundle of h2o-rx/ai-sdk with h2o-rx holds one copy of the library, no Node modules', async () => {
  write(
    join(app, 'ai-page.js'),
    `import { h2oChatTransport } from 'h2o-rx/ai-sdk';\nimport { H2oError } from 'h2o-rx';\nwindow.run = [h2oChatTransport, H2oError];\n`,
  );
  const result = await esbuild.build({
    absWorkingDir: app,
    entryPoints: ['ai-page.js'],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'browser',
    format: 'esm',
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs).filter((f) => f.includes('h2o-rx/'));
  expect(inputs.sort()).toEqual([
    'node_modules/h2o-rx/dist/browser/ai-sdk/index.js',
    'node_modules/h2o-rx/dist/browser/index.js',
  ]);
  expect(Object.keys(result.metafile.inputs).join('\n')).not.toMatch(
    /cross-fetch|node-fetch|fetch-cookie|tough-cookie/,
  );
});

// The AI SDK entry needs `ai` for its types only: here it runs without it installed, its
// stream read as any ReadableStream is.
const aiSdkRun = (load: string) => `${load}
const emu = await startEmulator({ dialect: 'chat-ui', reply: () => ['Bon', 'jour'] });
try {
  const transport = h2oChatTransport('llama3', { baseUrl: emu.url, dialect: 'chat-ui' });
  const messages = [{ id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Hi' }] }];
  const stream = await transport.sendMessages({
    chatId: 'chat-1', messages, trigger: 'submit-message', messageId: undefined, abortSignal: undefined,
  });
  const chunks = [];
  for (const reader = stream.getReader(); ; ) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
  }
  console.log(JSON.stringify({
    types: chunks.map((c) => c.type),
    text: chunks.flatMap((c) => (c.type === 'text-delta' ? [c.delta] : [])).join(''),
    conversationId: transport.conversationId('chat-1'),
    reconnect: await transport.reconnectToStream({ chatId: 'chat-1' }),
  }));
} finally {
  await emu.close();
}`;

test.each([
  ['import', 'ai-esm.mjs', `import { h2oChatTransport } from 'h2o-rx/ai-sdk';`],
  ['require', 'ai-cjs.cjs', `const { h2oChatTransport } = require('h2o-rx/ai-sdk');`],
])('h2o-rx/ai-sdk by %s, without ai installed: a turn as UI message chunks', (how, file, load) => {
  const testing =
    how === 'import'
      ? `import { startEmulator } from 'h2o-rx/testing';`
      : `const { startEmulator } = require('h2o-rx/testing');`;
  const script = aiSdkRun(`${load}\n${testing}`);
  write(join(app, file), how === 'import' ? script : `(async () => {${script}\n})();`);
  const out = JSON.parse(node(file));
  expect(out).toEqual({
    types: [
      'start',
      'start-step',
      'text-start',
      'text-delta',
      'text-delta',
      'text-end',
      'finish-step',
      'finish',
    ],
    text: 'Bonjour',
    conversationId: expect.stringMatching(/^[0-9a-f]{24}$/),
    reconnect: null,
  });
});

test("the AI SDK's own chat (AbstractChat) over h2o-rx/ai-sdk from the tarball: two turns", () => {
  // The repository's `ai`, linked in (its dependencies resolve from where it really is).
  symlinkSync(join(repo, 'node_modules/ai'), join(app, 'node_modules/ai'), 'dir');
  write(
    join(app, 'ai-chat.mjs'),
    `import { AbstractChat } from 'ai';
import { h2oChatTransport } from 'h2o-rx/ai-sdk';
import { startEmulator } from 'h2o-rx/testing';
class State {
  status = 'ready'; error = undefined; messages = [];
  pushMessage = (m) => { this.messages = [...this.messages, m]; };
  popMessage = () => { this.messages = this.messages.slice(0, -1); };
  replaceMessage = (i, m) => { this.messages = this.messages.map((x, j) => (j === i ? m : x)); };
  snapshot = (x) => structuredClone(x);
}
class Chat extends AbstractChat {
  constructor(init) { super({ ...init, state: new State() }); }
}
const emu = await startEmulator({ dialect: 'chat-ui', reply: (p) => 'You said ' + p });
try {
  const chat = new Chat({ transport: h2oChatTransport('llama3', { baseUrl: emu.url, dialect: 'chat-ui' }) });
  await chat.sendMessage({ text: 'one' });
  await chat.sendMessage({ text: 'two' });
  const posts = emu.requests.filter((r) => r.method === 'POST' && /^\\/conversation\\/[0-9a-f]{24}$/.test(r.path));
  console.log(JSON.stringify({
    status: chat.status,
    messages: chat.messages.map((m) => m.role + ':' + m.parts.filter((p) => p.type === 'text').map((p) => p.text).join('')),
    posts: posts.length,
  }));
} finally {
  await emu.close();
}
`,
  );
  expect(JSON.parse(node('ai-chat.mjs'))).toEqual({
    status: 'ready',
    messages: ['user:one', 'assistant:You said one', 'user:two', 'assistant:You said two'],
    posts: 2,
  });
});

// h2o-rx/chat: two turns of a chat state, from the tarball by each loader.
const chatRun = (load: string) => `${load}
const emu = await startEmulator({ dialect: 'chat-ui', reply: (p) => 'You said ' + p });
try {
  const chat = createH2oChat('llama3', { baseUrl: emu.url, dialect: 'chat-ui' });
  const statuses = [];
  const ready = () => new Promise((resolve) => {
    const sub = chat.state$.subscribe((s) => {
      statuses.push(s.status);
      if (s.status === 'ready' && s.messages.length > 0) { resolve(s); queueMicrotask(() => sub.unsubscribe()); }
    });
  });
  chat.send('one');
  await ready();
  chat.send('two');
  const state = await ready();
  chat.dispose();
  console.log(JSON.stringify({
    messages: state.messages.map((m) => m.role + ':' + m.parts.map((p) => p.text).join('') + ':' + (m.state ?? '')),
    conversationId: state.conversationId,
    sawStreaming: statuses.includes('streaming'),
  }));
} finally {
  await emu.close();
}`;

test.each([
  ['import', 'chat-esm.mjs', `import { createH2oChat } from 'h2o-rx/chat';`],
  ['require', 'chat-cjs.cjs', `const { createH2oChat } = require('h2o-rx/chat');`],
])('h2o-rx/chat by %s: two turns against the emulator', (how, file, load) => {
  const testing =
    how === 'import'
      ? `import { startEmulator } from 'h2o-rx/testing';`
      : `const { startEmulator } = require('h2o-rx/testing');`;
  const script = chatRun(`${load}\n${testing}`);
  write(join(app, file), how === 'import' ? script : `(async () => {${script}\n})();`);
  expect(JSON.parse(node(file))).toEqual({
    messages: [
      'user:one:',
      'assistant:You said one:done',
      'user:two:',
      'assistant:You said two:done',
    ],
    conversationId: expect.stringMatching(/^[0-9a-f]{24}$/),
    sawStreaming: true,
  });
});

test('h2o-rx/angular with @angular/core installed: provideH2o and injectH2oChat run a turn', () => {
  // The repository's @angular/core, linked in (an optional peer the app brings).
  mkdirSync(join(app, 'node_modules/@angular'), { recursive: true });
  symlinkSync(
    join(repo, 'node_modules/@angular/core'),
    join(app, 'node_modules/@angular/core'),
    'dir',
  );
  write(
    join(app, 'angular.mjs'),
    `import { createEnvironmentInjector, Injector, runInInjectionContext } from '@angular/core';
import { injectH2oChat, provideH2o } from 'h2o-rx/angular';
import { startEmulator } from 'h2o-rx/testing';
const emu = await startEmulator({ dialect: 'chat-ui', reply: (p) => 'You said ' + p });
try {
  const injector = createEnvironmentInjector(
    [provideH2o({ baseUrl: emu.url, dialect: 'chat-ui' })],
    Injector.NULL,
  );
  const chat = runInInjectionContext(injector, () => injectH2oChat('llama3'));
  chat.send('one');
  const busy = chat.busy();
  while (chat.status() !== 'ready') await new Promise((r) => setTimeout(r, 5));
  console.log(JSON.stringify({ busy, text: chat.messages()[1].parts[0].text }));
  injector.destroy();
} finally {
  await emu.close();
}
`,
  );
  expect(JSON.parse(node('angular.mjs'))).toEqual({ busy: true, text: 'You said one' });
});

test('a browser bundle of h2o-rx/angular and h2o-rx/chat holds one copy of each, no Node modules', async () => {
  write(
    join(app, 'ng-page.js'),
    `import { injectH2oChat } from 'h2o-rx/angular';\nimport { createH2oChat } from 'h2o-rx/chat';\nimport { H2oError } from 'h2o-rx';\nwindow.run = [injectH2oChat, createH2oChat, H2oError];\n`,
  );
  const result = await esbuild.build({
    absWorkingDir: app,
    entryPoints: ['ng-page.js'],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'browser',
    format: 'esm',
    logLevel: 'silent',
    external: ['@angular/core'],
  });
  const inputs = Object.keys(result.metafile.inputs).filter((f) => f.includes('h2o-rx/'));
  expect(inputs.sort()).toEqual([
    'node_modules/h2o-rx/dist/browser/angular/index.js',
    'node_modules/h2o-rx/dist/browser/chat/index.js',
    'node_modules/h2o-rx/dist/browser/index.js',
  ]);
  expect(Object.keys(result.metafile.inputs).join('\n')).not.toMatch(
    /cross-fetch|node-fetch|fetch-cookie|tough-cookie/,
  );
});

test('the tarball holds the builds and no sources or tests', () => {
  const manifest = JSON.parse(readFileSync(join(app, 'node_modules/h2o-rx/package.json'), 'utf8'));
  expect(manifest.sideEffects).toBe(false);
  expect(Object.keys(manifest.exports)).toEqual([
    '.',
    './testing',
    './ai-sdk',
    './chat',
    './angular',
    './package.json',
  ]);
  expect(packedFiles).toEqual(
    expect.arrayContaining([
      'dist/cjs/index.js',
      'dist/cjs/index.d.ts',
      'dist/cjs/cli/main.js',
      'dist/esm/index.js',
      'dist/esm/index.d.ts',
      'dist/esm/testing/index.js',
      'dist/browser/index.js',
      'dist/esm/ai-sdk/index.js',
      'dist/cjs/ai-sdk/index.js',
      'dist/browser/ai-sdk/index.js',
      'dist/esm/chat/index.js',
      'dist/cjs/chat/index.js',
      'dist/browser/chat/index.js',
      'dist/esm/angular/index.js',
      'dist/browser/angular/index.js',
    ]),
  );
  expect(
    packedFiles.filter((f) => /^(lib|spec|bench|examples)\//.test(f) || /\.spec\./.test(f)),
  ).toEqual([]);
});
