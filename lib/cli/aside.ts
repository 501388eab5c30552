import type { CompletionEvent } from '../index';

/**
 * Where what the model says beside its answer (reasoning, tool calls) is shown: inline on a
 * terminal's stdout, on stderr when stdout is a pipe or a file (so that stdout stays the answer
 * alone), or nowhere.
 */
export type AsideTarget = 'stdout' | 'stderr' | 'none';

/** What to write for an event: to stdout, and to stderr. */
export interface Writes {
  out: string;
  err: string;
}

/** How the answer is printed. */
export interface PrinterOptions {
  aside: AsideTarget;
  /** Aside text dimmed (SGR 2 … 22): a terminal that shows colours, without NO_COLOR. */
  dim: boolean;
  /** `--no-stream`: the answer is the `done` event's text. */
  wholeAnswer: boolean;
}

const PARAMETERS_SHOWN = 60;

// A tool call in one short line: its name and the start of its arguments.
const callLine = (name: string, parameters: Record<string, unknown>) => {
  const json = JSON.stringify(parameters);
  const shown = json.length > PARAMETERS_SHOWN ? `${json.slice(0, PARAMETERS_SHOWN)}…` : json;
  return `→ ${name} ${shown}`;
};

/** Running text (reasoning) or a line of its own. */
type Aside = { text: string } | { line: string };

/** The aside an event makes; undefined for none. */
const asideOf = (e: CompletionEvent): Aside | undefined => {
  switch (e.type) {
    case 'reasoning':
      return { text: e.text };
    case 'reasoning-status':
      return { line: e.status };
    case 'tool-call':
      return { line: callLine(e.name, e.parameters) };
    case 'tool-result':
      return { line: e.ok ? `← ${e.name}` : `← ${e.name} failed: ${e.message ?? ''}` };
    case 'tool-error':
      return { line: `← failed: ${e.message}` };
    default:
      return undefined;
  }
};

/**
 * Turns a completion's events into what the command writes. The answer's text goes to stdout
 * as it streams, byte for byte; reasoning, its status lines and tool calls go where `aside`
 * says, each aside dimmed on its own (a Ctrl-C mid-reasoning never leaves the terminal dim).
 * Asides and answer that share stdout are kept on separate lines. `end` finishes both streams'
 * last line.
 */
export const answerPrinter = ({ aside, dim, wholeAnswer }: PrinterOptions) => {
  const last = { out: '\n', err: '\n' };
  const asideStream = aside === 'stdout' ? 'out' : 'err';
  let inAside = false;
  const writes = (stream: 'out' | 'err', text: string): Writes => {
    if (text !== '') last[stream] = text[text.length - 1];
    return stream === 'out' ? { out: text, err: '' } : { out: '', err: text };
  };
  const lineStart = (stream: 'out' | 'err') => (last[stream] === '\n' ? '' : '\n');
  const styled = (text: string) => (dim ? `\x1b[2m${text}\x1b[22m` : text);
  const answer = (text: string): Writes => {
    // Back from an aside on stdout: the answer begins on a line of its own.
    const before = inAside && aside === 'stdout' ? lineStart('out') : '';
    inAside = false;
    return writes('out', before + text);
  };
  const show = (shown: Aside): Writes => {
    // Into an aside from the answer's text on the same stream: a line of its own.
    const before = !inAside && aside === 'stdout' ? lineStart('out') : '';
    inAside = true;
    if ('text' in shown) return writes(asideStream, before + styled(shown.text));
    const start = before || lineStart(asideStream);
    return writes(asideStream, `${start}${styled(shown.line)}\n`);
  };
  return {
    event(e: CompletionEvent): Writes {
      if (e.type === 'token') return wholeAnswer ? writes('out', '') : answer(e.text);
      if (e.type === 'done') return wholeAnswer ? answer(e.text) : writes('out', '');
      const shown = aside === 'none' ? undefined : asideOf(e);
      return shown ? show(shown) : writes('out', '');
    },
    end(): Writes {
      const err = aside === 'stderr' ? lineStart('err') : '';
      const out = lineStart('out');
      last.out = last.err = '\n';
      return { out, err };
    },
  };
};

const onTerminal = (stream: NodeJS.WriteStream) => ({
  dim: stream.hasColors?.() === true && !('NO_COLOR' in process.env),
});

/**
 * Where asides go: a terminal's stdout, inline; else, stdout being a pipe or a file, a
 * terminal's stderr; else nowhere (`--json` has them all). Dimmed where that terminal shows
 * colours and NO_COLOR is not set.
 */
export const asideTarget = (
  stdout: NodeJS.WriteStream,
  stderr: NodeJS.WriteStream,
): Pick<PrinterOptions, 'aside' | 'dim'> => {
  if (stdout.isTTY === true) return { aside: 'stdout', ...onTerminal(stdout) };
  if (stderr.isTTY === true) return { aside: 'stderr', ...onTerminal(stderr) };
  return { aside: 'none', dim: false };
};
