import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { readdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import { Emulator, startEmulator } from '../../lib/testing';

// Every ```ts block of the README, type-checked as a user's file against the BUILT package
// (resolved as `h2o-rx` through a node_modules link in a temporary project), and the Usage
// example run as written with its URL pointed at the emulator.
const root = path.resolve(__dirname, '../..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');

interface Block {
  line: number;
  code: string;
}

const tsBlocks = (markdown: string): Block[] => {
  const blocks: Block[] = [];
  const fence = /^```ts\n([\s\S]*?)^```$/gm;
  for (let m = fence.exec(markdown); m; m = fence.exec(markdown)) {
    blocks.push({ line: markdown.slice(0, m.index).split('\n').length, code: m[1] });
  }
  return blocks;
};

const newest = (dir: string): number =>
  Math.max(
    ...readdirSync(dir, { withFileTypes: true }).map((e) =>
      e.isDirectory() ? newest(path.join(dir, e.name)) : statSync(path.join(dir, e.name)).mtimeMs,
    ),
  );

// The check is against the package as published: build it when lib/ is newer than dist/.
const ensureBuilt = () => {
  const built = path.join(root, 'dist/esm/index.d.ts');
  let stale = true;
  try {
    stale = statSync(built).mtimeMs < newest(path.join(root, 'lib'));
  } catch {
    // not built yet
  }
  if (stale) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
};

// A user's project: ESM, with h2o-rx, rxjs, ai, @angular/core, the @types and an @ai-sdk/angular
// stub installed.
const userProject = (): string => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'h2o-rx-readme-'));
  const modules = path.join(dir, 'node_modules');
  mkdirSync(modules);
  symlinkSync(root, path.join(modules, 'h2o-rx'), 'dir');
  symlinkSync(path.join(root, 'node_modules/rxjs'), path.join(modules, 'rxjs'), 'dir');
  symlinkSync(path.join(root, 'node_modules/@types'), path.join(modules, '@types'), 'dir');
  symlinkSync(path.join(root, 'node_modules/@angular'), path.join(modules, '@angular'), 'dir');
  // h2o-rx/ai-sdk's snippet: the real `ai`, and a stub of @ai-sdk/angular (not installable).
  symlinkSync(path.join(root, 'node_modules/ai'), path.join(modules, 'ai'), 'dir');
  symlinkSync(path.join(__dirname, 'stubs/@ai-sdk'), path.join(modules, '@ai-sdk'), 'dir');
  writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
  return dir;
};

const compilerOptions: ts.CompilerOptions = {
  strict: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
  types: ['node', 'jest'],
  skipLibCheck: true,
  // As an Angular project compiles its decorators.
  experimentalDecorators: true,
  noEmit: true,
};

describe('README.md', () => {
  const blocks = tsBlocks(readme);
  let dir: string;

  beforeAll(() => {
    ensureBuilt();
    dir = userProject();
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has ts blocks to check', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(5);
  });

  it('every ts block compiles on its own against the built package', () => {
    const files = blocks.map((b, i) => {
      const file = path.join(dir, `block-${i + 1}-line-${b.line}.ts`);
      writeFileSync(file, b.code);
      return file;
    });
    const program = ts.createProgram(files, compilerOptions);
    const problems = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file
        ? `${path.basename(d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}`
        : 'program';
      return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
    });
    expect(problems).toEqual([]);
  }, 120_000);

  describe('the Usage example, run as written', () => {
    let emu: Emulator;
    afterEach(() => emu.close());

    it('prints the answer against an emulator', async () => {
      emu = await startEmulator({ reply: () => ['Hello', ' from', ' the', ' emulator.'] });
      const usage = readme.slice(readme.indexOf('## Usage'));
      const example = tsBlocks(usage)[0].code;
      expect(example).toContain("'https://chat.example.com'");
      const file = path.join(dir, 'usage.ts');
      writeFileSync(file, example.replace("'https://chat.example.com'", JSON.stringify(emu.url)));
      const tsx = path.join(root, 'node_modules/.bin/tsx');
      const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>(
        (resolve, reject) =>
          execFile(tsx, [file], { cwd: dir, timeout: 60_000 }, (err, out, errOut) =>
            err ? reject(Object.assign(err, { stderr: errOut })) : resolve({ stdout: out, stderr: errOut }),
          ),
      );
      expect({ stdout, stderr }).toEqual({ stdout: 'Hello from the emulator.\n', stderr: '' });
      expect(emu.requests.map((r) => r.step)).toEqual(['session', 'settings', 'conversation', 'stream']);
    }, 90_000);
  });
});
