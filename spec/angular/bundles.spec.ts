import * as esbuild from 'esbuild';
import * as path from 'node:path';

// What an app that bundles one entry pulls in: the main entry and h2o-rx/chat never reach
// @angular (an optional peer only h2o-rx/angular imports).
const importsOf = async (entry: string) => {
  const { metafile } = await esbuild.build({
    absWorkingDir: path.join(__dirname, '../..'),
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    metafile: true,
    logLevel: 'silent',
    // Every package stays an import, so that the metafile shows which ones are reached.
    packages: 'external',
  });
  const outputs = Object.values(metafile.outputs);
  return {
    packages: [...new Set(outputs.flatMap((o) => o.imports.map((i) => i.path)))].sort(),
    inputs: Object.keys(metafile.inputs),
  };
};

describe('which packages each entry imports', () => {
  it('the main entry and h2o-rx/chat: no @angular, no ai', async () => {
    for (const entry of ['lib/index.ts', 'lib/chat/index.ts']) {
      const { packages, inputs } = await importsOf(entry);
      expect(packages.filter((p) => /^@angular|^ai$/.test(p))).toEqual([]);
      expect(inputs.filter((i) => i.includes('lib/angular') || i.includes('lib/ai-sdk'))).toEqual(
        [],
      );
    }
  });

  it('h2o-rx/angular: @angular/core, and the chat', async () => {
    const { packages, inputs } = await importsOf('lib/angular/index.ts');
    expect(packages).toContain('@angular/core');
    expect(inputs).toContain('lib/chat/chat.ts');
  });
});
