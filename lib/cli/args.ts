import { parseArgs } from 'node:util';
import { UsageError } from './usage';

/** Every flag of the command; `--help` describes them. */
export const flags = {
  'base-url': { type: 'string', short: 'u' },
  emulator: { type: 'boolean', short: 'e' },
  dialect: { type: 'string' },
  header: { type: 'string', short: 'H', multiple: true },
  model: { type: 'string', short: 'm' },
  system: { type: 'string', short: 's' },
  messages: { type: 'string' },
  'allow-control-tokens': { type: 'boolean' },
  temperature: { type: 'string' },
  'max-new-tokens': { type: 'string' },
  truncate: { type: 'string' },
  'repetition-penalty': { type: 'string' },
  'no-do-sample': { type: 'boolean' },
  'return-full-text': { type: 'boolean' },
  param: { type: 'string', short: 'p', multiple: true },
  'end-token': { type: 'string' },
  id: { type: 'string' },
  'response-id': { type: 'string' },
  'no-stream': { type: 'boolean' },
  'max-line-bytes': { type: 'string' },
  'delete-after': { type: 'boolean' },
  timeout: { type: 'string' },
  'idle-timeout': { type: 'string' },
  retry: { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  port: { type: 'string' },
  host: { type: 'string' },
  'token-delay': { type: 'string' },
  latency: { type: 'string' },
  reply: { type: 'string' },
  'rate-limit': { type: 'string' },
  static: { type: 'string' },
  fault: { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

/** The flags given, by long name. */
export type Values = ReturnType<typeof parseArgs<{ options: typeof flags }>>['values'];

const takesValue: ReadonlySet<string> = new Set(
  Object.entries(flags).flatMap(([name, flag]) =>
    flag.type === 'string' ? [`--${name}`, ...('short' in flag ? [`-${flag.short}`] : [])] : [],
  ),
);

const negativeNumber = /^-(\d|\.\d)/;

/**
 * parseArgs takes any word starting with `-` for a flag, so `--temperature -1` would be an
 * unknown flag `-1`: a negative number after a flag that takes a value is that value.
 */
const joinNegativeValues = (argv: readonly string[]): string[] => {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const next = argv[i + 1];
    if (takesValue.has(argv[i]) && next !== undefined && negativeNumber.test(next)) {
      out.push(argv[i].startsWith('--') ? `${argv[i]}=${next}` : `${argv[i]}${next}`);
      i++;
    } else out.push(argv[i]);
  }
  return out;
};

/** Splits the command line into flags and positionals; unknown flags throw a usage error. */
export const parseCommandLine = (argv: readonly string[]) =>
  parseArgs({ args: joinNegativeValues(argv), options: flags, allowPositionals: true });

/** A number flag's value, or undefined when the flag is absent. */
export const number = (flag: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) {
    throw new UsageError(`--${flag} needs a number, got '${value}'`);
  }
  return n;
};

/** `--port`: an integer 0-65535 (0: any free port). */
export const port = (value: string | undefined): number | undefined => {
  const n = number('port', value);
  if (n !== undefined && !(Number.isInteger(n) && n >= 0 && n <= 65535)) {
    throw new UsageError(`--port is 0-65535, got '${value}'`);
  }
  return n;
};
