// How the command reports failures: usage errors (exit 2, one line), library errors (exit 1,
// one line naming the step once; with --json also one JSON line on stdout), and the flag
// parser leaving negative numbers to the flags that take them.
import { startEmulator, type Emulator } from '../../lib/testing';
import { run } from './command';

// Each test starts the command under tsx, several seconds on a loaded machine.
jest.setTimeout(60_000);

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

const usageLine = /^h2o-rx: [^\n]*\(see h2o-rx --help\)\n$/;

test('usage errors: a port out of range, a missing --messages file, an empty prompt on stdin', async () => {
  const cases: Array<[string[], string | undefined, RegExp]> = [
    [['emulator', '--port', '99999'], undefined, /--port/],
    [['--emulator', '--port', '-5', 'Hi'], undefined, /--port/],
    [['--emulator', '--messages', 'spec/cli/no-such-file.json', 'Hi'], undefined, /--messages/],
    [['--emulator', '-'], '\n', /empty/],
    [['--emulator', ''], undefined, /empty/],
  ];
  const results = await Promise.all(cases.map(([args, input]) => run(args, input)));
  results.forEach((result, i) => {
    expect({ args: cases[i][0], status: result.status, stdout: result.stdout }).toEqual({
      args: cases[i][0],
      status: 2,
      stdout: '',
    });
    expect(result.stderr).toMatch(usageLine);
    expect(result.stderr).toMatch(cases[i][2]);
  });
});

test('--temperature -1 is a value: the library refuses it as input (exit 1), not the parser', async () => {
  const result = await run(['--emulator', '--temperature', '-1', 'Hi']);
  expect(result.status).toBe(1);
  expect(result.stderr).toMatch(/^h2o-rx: H2oInputError \(input\): [^\n]*temperature[^\n]*-1\n$/);
  // Short flags too: -p takes a value.
  const param = await run(['--emulator', '--json', '-p', '-3', 'Hi']);
  expect(param.stderr).toMatch(/--param is KEY=VALUE, got '-3'/);
});

test('the error line names its step once', async () => {
  emu = await startEmulator({ faults: [{ step: 'stream', kind: 'reset' }] });
  const result = await run(['-u', emu.url, '--retry', '0', 'Hi']);
  expect(result.status).toBe(1);
  expect(result.stderr).toMatch(/^h2o-rx: H2oNetworkError \(stream\): network error: [^\n]+\n$/);
});

test('--json: a failure is one error line on stdout too, after the events', async () => {
  emu = await startEmulator({ faults: [{ step: 'conversation', status: 404 }] });
  const result = await run(['-u', emu.url, '--json', 'Hi']);
  expect(result.status).toBe(1);
  expect(result.stderr).toMatch(/^h2o-rx: H2oHttpError \(conversation\): [^\n]*404[^\n]*\n$/);
  const lines = result.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  expect(lines.map((l) => l.type)).toEqual(['step', 'step', 'error']);
  expect(lines.at(-1)).toEqual({
    type: 'error',
    name: 'H2oHttpError',
    message: expect.stringContaining('404'),
    step: 'conversation',
    status: 404,
    url: `${emu.url}/conversation`,
  });
});

test('--json: a usage error is one error line on stdout too', async () => {
  const result = await run(['--json', '--emulator', '--port', '99999', 'Hi']);
  expect(result.status).toBe(2);
  expect(result.stderr).toMatch(usageLine);
  expect(JSON.parse(result.stdout)).toEqual({
    type: 'error',
    name: 'UsageError',
    message: expect.stringContaining('--port'),
  });
});
