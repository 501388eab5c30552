import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

// The reference docs are generated from this TSDoc: each option must say which dialect uses it.
const file = path.resolve(__dirname, '../../lib/options/types.ts');

const optionDocs = (): Array<{ name: string; doc: string }> => {
  const source = ts.createSourceFile(
    file,
    readFileSync(file, 'utf8'),
    ts.ScriptTarget.Latest,
    true,
  );
  const found = source.statements.find(
    (s): s is ts.InterfaceDeclaration =>
      ts.isInterfaceDeclaration(s) && s.name.text === 'CompletionOptions',
  );
  if (!found) throw new Error('CompletionOptions not found');
  return found.members.map((m) => ({
    name: (m.name as ts.Identifier).text,
    doc: ts
      .getJSDocCommentsAndTags(m)
      .map((d) => d.getText())
      .join('\n'),
  }));
};

describe('CompletionOptions TSDoc', () => {
  it('says for every option which dialect uses it', () => {
    const missing = optionDocs().filter(
      (o) => !/Dialects?: (both|`h2o` only|`chat-ui` only)/.test(o.doc),
    );
    expect(missing.map((o) => o.name)).toEqual([]);
  });

  it('marks the sampling parameters h2o only', () => {
    const h2oOnly = optionDocs()
      .filter((o) => /Dialect: `h2o` only/.test(o.doc))
      .map((o) => o.name);
    expect(h2oOnly).toEqual(
      expect.arrayContaining([
        'temperature',
        'truncate',
        'maxNewTokens',
        'doSample',
        'repetitionPenalty',
        'returnFullText',
        'parameters',
      ]),
    );
  });
});
