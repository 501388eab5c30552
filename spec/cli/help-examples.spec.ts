// The examples `h2o-rx --help` prints, read out of the help text itself (so that the help and
// this test cannot drift): each parses, and the options it gives pass the library's own checks
// (what the command would hand completionEvents$, openConversation or the emulator).
import { parseCommandLine } from '../../lib/cli/args';
import { emulatorOptions } from '../../lib/cli/emulator';
import { completionOptions, conversationOptions, reliabilityOptions } from '../../lib/cli/options';
import { usage } from '../../lib/cli/usage';
import { resolveCompletion } from '../../lib/options';
import { run } from './command';

jest.setTimeout(60_000);

/** The lines under "Examples:", up to the blank line that ends them. */
const exampleLines = (help: string): string[] => {
  const lines = help.split('\n');
  const start = lines.indexOf('Examples:');
  const end = lines.indexOf('', start);
  return lines.slice(start + 1, end).map((line) => line.trim());
};

/**
 * A shell line's words, as sh splits them: single quotes literal, double quotes with `\`
 * escapes, and `|` a word of its own outside quotes (enough for the help's examples).
 */
const shellWords = (line: string): string[] => {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === ' ') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === '|') {
      if (word !== undefined) words.push(word);
      words.push('|');
      word = undefined;
    } else if (c === "'") {
      const close = line.indexOf("'", i + 1);
      word = (word ?? '') + line.slice(i + 1, close);
      i = close;
    } else if (c === '"') {
      let text = '';
      for (i++; line[i] !== '"'; i++) text += line[i] === '\\' ? line[++i] : line[i];
      word = (word ?? '') + text;
    } else word = (word ?? '') + c;
  }
  if (word !== undefined) words.push(word);
  return words;
};

/** The arguments of the h2o-rx command in a pipeline (`git diff | h2o-rx … -`). */
const commandArgs = (line: string): string[] => {
  const words = shellWords(line);
  const start = words.indexOf('h2o-rx');
  const end = words.indexOf('|', start);
  return words.slice(start + 1, end === -1 ? undefined : end);
};

/** What the command checks before it sends anything, as the library would check it. */
const check = (argv: string[]) => {
  const { values, positionals } = parseCommandLine(argv);
  if (values.emulator || positionals[0] === 'emulator') emulatorOptions(values, 0);
  if (positionals[0] === 'emulator') return;
  reliabilityOptions(values);
  const model = values.model ?? 'falcon-40b';
  const options =
    positionals[0] === 'chat'
      ? conversationOptions(values, values['base-url'])
      : completionOptions(values, values['base-url']);
  resolveCompletion(model, [{ role: 'user', content: positionals[0] ?? 'Hi' }], options);
};

test("the help's examples are read from the help text: at least the ones it has always had", () => {
  const examples = exampleLines(usage);
  expect(examples.length).toBeGreaterThanOrEqual(8);
  expect(examples.every((line) => line.includes('h2o-rx'))).toBe(true);
  expect(commandArgs(`git diff | h2o-rx -s "Review this diff." -`)).toEqual([
    '-s',
    'Review this diff.',
    '-',
  ]);
  expect(commandArgs(`h2o-rx --json "Hi" | jq -c 'select(.type == "step")'`)).toEqual([
    '--json',
    'Hi',
  ]);
});

test.each(exampleLines(usage))('the example `%s` parses and passes the checks', (line) => {
  expect(() => check(commandArgs(line))).not.toThrow();
});

test('dialect chat-ui with a sampling flag is a usage error naming the flags (exit 2)', async () => {
  const result = await run(['--emulator', '--dialect', 'chat-ui', '-p', 'top_p=0.9', 'Hi']);
  expect(result.status).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr).toBe(
    "h2o-rx: dialect chat-ui takes no --param: the server's model configuration decides (see h2o-rx --help)\n",
  );
  expect(() => check(['--dialect', 'chat-ui', '--temperature', '0.2', '-p', 'x=1', 'Hi'])).toThrow(
    "dialect chat-ui takes no --temperature, --param: the server's model configuration decides",
  );
});
