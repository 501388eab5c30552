// Jest runs the specs as CommonJS; @angular/core ships ES modules only (.mjs): they are turned
// into CommonJS on the way in, as a bundler would resolve them.
/* global require, module */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { transformSync } = require('esbuild');

module.exports = {
  process(source, filename) {
    const { code, map } = transformSync(source, {
      format: 'cjs',
      target: 'es2022',
      loader: 'js',
      sourcefile: filename,
      sourcemap: 'external',
    });
    return { code, map };
  },
};
