// What the command writes for each event (lib/cli/aside.ts, a pure function of the events):
// the answer on stdout byte for byte, reasoning and tool calls dimmed beside it on a terminal,
// on stderr when stdout is piped, or nowhere.
import { answerPrinter, type PrinterOptions } from '../../lib/cli/aside';
import type { CompletionEvent } from '../../lib';

const events: CompletionEvent[] = [
  { type: 'step', step: 'conversation', ms: 3 },
  { type: 'step', step: 'stream', ms: 2 },
  { type: 'reasoning-status', status: 'Started reasoning...' },
  { type: 'keep-alive' },
  { type: 'reasoning', text: 'The user greets' },
  { type: 'reasoning', text: ' me.' },
  { type: 'keep-alive' },
  { type: 'reasoning-status', status: 'Done in 1s.' },
  { type: 'token', text: 'Hello' },
  { type: 'token', text: '!' },
  { type: 'tool-call', uuid: 'u1', name: 'search', parameters: { q: 'x'.repeat(70) } },
  { type: 'tool-result', uuid: 'u1', name: 'search', ok: false, outputs: [], message: 'offline' },
  { type: 'title', title: 'Greeting' },
  { type: 'token', text: ' Bye.' },
  { type: 'done', text: 'Hello! Bye.', tokens: 3, conversationId: 'c1' },
];

const print = (options: PrinterOptions, all = events) => {
  const printer = answerPrinter(options);
  let out = '';
  let err = '';
  for (const writes of [...all.map((e) => printer.event(e)), printer.end()]) {
    out += writes.out;
    err += writes.err;
  }
  return { out, err };
};

const dim = (text: string) => `\x1b[2m${text}\x1b[22m`;
const call = `→ search {"q":"${'x'.repeat(54)}…`;

test('on a terminal: asides dimmed inline, each on its own lines, the answer after them', () => {
  expect(print({ aside: 'stdout', dim: true, wholeAnswer: false })).toEqual({
    out:
      `${dim('Started reasoning...')}\n${dim('The user greets')}${dim(' me.')}\n` +
      `${dim('Done in 1s.')}\nHello!\n${dim(call)}\n${dim('← search failed: offline')}\n Bye.\n`,
    err: '',
  });
});

test('on a terminal with NO_COLOR: the same lines, plain', () => {
  expect(print({ aside: 'stdout', dim: false, wholeAnswer: false }).out).toBe(
    `Started reasoning...\nThe user greets me.\nDone in 1s.\nHello!\n${call}\n` +
      '← search failed: offline\n Bye.\n',
  );
});

test('stdout piped: stdout is the answer alone, the asides go to stderr', () => {
  expect(print({ aside: 'stderr', dim: false, wholeAnswer: false })).toEqual({
    out: 'Hello! Bye.\n',
    err: `Started reasoning...\nThe user greets me.\nDone in 1s.\n${call}\n← search failed: offline\n`,
  });
});

test('no aside: the answer alone; --no-stream: the done text once', () => {
  expect(print({ aside: 'none', dim: false, wholeAnswer: false })).toEqual({
    out: 'Hello! Bye.\n',
    err: '',
  });
  expect(print({ aside: 'stdout', dim: false, wholeAnswer: true }).out).toBe(
    `Started reasoning...\nThe user greets me.\nDone in 1s.\n${call}\n← search failed: offline\nHello! Bye.\n`,
  );
});

test('reasoning left mid-line at the end: both streams end their line', () => {
  const cut: CompletionEvent[] = [{ type: 'reasoning', text: 'hmm' }];
  expect(print({ aside: 'stdout', dim: true, wholeAnswer: false }, cut)).toEqual({
    out: `${dim('hmm')}\n`,
    err: '',
  });
  expect(print({ aside: 'stderr', dim: false, wholeAnswer: false }, cut)).toEqual({
    out: '',
    err: 'hmm\n',
  });
});
