import * as path from 'node:path';
import * as ts from 'typescript';

// The editor's view of `model`: a TypeScript language service over an in-memory file that
// imports the library's source, asked what it suggests and what it accepts.
const root = path.resolve(__dirname, '../..');
const fileName = path.join(root, 'spec/types/__model-id-fixture.ts');

const options: ts.CompilerOptions = {
  strict: true,
  target: ts.ScriptTarget.ES2020,
  module: ts.ModuleKind.CommonJS,
  moduleResolution: ts.ModuleResolutionKind.Node10,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
  types: ['node'],
  skipLibCheck: true,
  noEmit: true,
};

// One registry: the library's and TypeScript's own files are parsed once for every case.
const registry = ts.createDocumentRegistry();
let version = 0;

const service = (source: string): ts.LanguageService => {
  const current = String(++version);
  return ts.createLanguageService(
    {
      getCompilationSettings: () => options,
      getScriptFileNames: () => [fileName],
      getScriptVersion: (name) => (name === fileName ? current : '0'),
      getScriptSnapshot: (name) => {
        if (name === fileName) return ts.ScriptSnapshot.fromString(source);
        const text = ts.sys.readFile(name);
        return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
      },
      getCurrentDirectory: () => root,
      getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
      fileExists: (name) => name === fileName || ts.sys.fileExists(name),
      readFile: (name) => ts.sys.readFile(name),
      directoryExists: ts.sys.directoryExists,
      getDirectories: ts.sys.getDirectories,
    },
    registry,
  );
};

const errors = (source: string): string[] =>
  service(source)
    .getSemanticDiagnostics(fileName)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));

const header = `import { completion$, completionEvents$, openSession, ModelId } from '../../lib';\n`;

describe('ModelId', () => {
  it('suggests the aliases where a model is taken', () => {
    const cases = [
      `completion$('`,
      `completionEvents$('`,
      `openSession({ model: '`,
      `const m: ModelId = '`,
    ];
    for (const prefix of cases) {
      const source = `${header}${prefix}`;
      const found = service(source).getCompletionsAtPosition(fileName, source.length, {
        triggerCharacter: "'",
      });
      const names = (found?.entries ?? []).map((e) => e.name).sort();
      expect({ prefix, names }).toEqual({
        prefix,
        names: ['falcon-40b', 'falcon-7b', 'llama-13b'],
      });
    }
  });

  it('keeps each alias as a literal and still accepts any id', () => {
    const source = `${header}
type IsNever<T> = [T] extends [never] ? true : false;
const aliasKept: IsNever<Extract<ModelId, 'falcon-40b'>> = false;
const anyId: ModelId = 'h2oai/some-other-model-' + String(Math.random());
completion$(anyId, [{ role: 'user', content: 'Hi' }]);
completion$('llama3', [{ role: 'user', content: 'Hi' }], { dialect: 'chat-ui' });
export { aliasKept };
`;
    expect(errors(source)).toEqual([]);
  });

  it('refuses what is not a string (the check can fail)', () => {
    const source = `${header}completion$(42, [{ role: 'user', content: 'Hi' }]);\n`;
    expect(errors(source)).toEqual([
      expect.stringMatching(
        /^Argument of type '42' is not assignable to parameter of type 'ModelId'/,
      ),
    ]);
  });
});
