import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { FaultQueue } from '../faults';
import type { Recording } from './recorder';
import { readStatic, type StaticFile } from './static';
import type { Timers } from './timers';
import type {
  EmulatorFault,
  EmulatorOptions,
  EmulatorStep,
  RecordedInputs,
  RecordedPrompt,
} from '../types';

/** The options a dialect needs, defaults applied. */
export interface EmulatorSettings {
  tokenDelayMs: number;
  latencyMs: number;
  reply?: EmulatorOptions['reply'];
  rateLimit?: number;
  static?: string;
  /** Every prompt given to the model, in order: the log {@link Emulator.prompts} shows. */
  prompts: RecordedPrompt[];
  /** How long after an answer's stream ended its save lands. */
  saveDelayMs: number;
  /** Dialect h2o: how often the server reads its stop records. */
  stopCheckMs: number;
}

/** A response sent whole (not streamed): status, headers and body at once. */
export interface WholeResponse {
  status: number;
  headers?: OutgoingHttpHeaders;
  body?: string | Buffer;
  /** Send the body chunked, as chat-ui does for some answers, instead of with a Content-Length. */
  chunked?: boolean;
}

/** One request and its response, as the dialects see it. */
export interface Exchange {
  readonly req: IncomingMessage;
  readonly method: string;
  /** The path without query string. */
  readonly pathname: string;
  readonly body: string;
  readonly step: EmulatorStep | undefined;
  readonly settings: EmulatorSettings;
  /** A delay that `close()` cuts short. */
  sleep(ms: number): Promise<void>;
  /** True once the response ended or the connection closed. */
  isGone(): boolean;
  /** Send a whole answer. */
  send(answer: WholeResponse): void;
  /** Start a streamed answer. */
  head(status: number, headers: OutgoingHttpHeaders): void;
  /** Write one piece of a streamed answer; resolves once flushed or the connection is gone. */
  write(chunk: string): Promise<void>;
  /** End a streamed answer cleanly. */
  end(): void;
  /** Close the connection abruptly, from the server's side. */
  cut(): void;
  /** Adds to what the request log shows the server read from the body (`inputs`). */
  note(inputs: RecordedInputs): void;
  /** The next stream-body fault, if one is pending. */
  takeStreamFault(): EmulatorFault | undefined;
  /** The static folder's `index.html`, when a static folder is served and has one. */
  staticIndex(): Promise<StaticFile | undefined>;
}

/** What {@link createExchange} needs. */
export interface ExchangeParts {
  req: IncomingMessage;
  res: ServerResponse;
  pathname: string;
  body: string;
  step: EmulatorStep | undefined;
  settings: EmulatorSettings;
  recording: Recording;
  timers: Timers;
  faults: FaultQueue;
}

/** Wraps a request and its response for a dialect; every status sent is recorded. */
export const createExchange = (parts: ExchangeParts): Exchange => {
  const { req, res, recording, settings } = parts;
  let closed = false;
  res.once('close', () => (closed = true));
  const isGone = () => closed || res.writableEnded;
  return {
    req,
    method: req.method ?? 'GET',
    pathname: parts.pathname,
    body: parts.body,
    step: parts.step,
    settings,
    sleep: (ms) => parts.timers.sleep(ms),
    isGone,
    send: ({ status, headers = {}, body, chunked }) => {
      if (isGone()) return;
      recording.record.status = status;
      if (chunked) {
        // writeHead before any body makes Node frame the body in chunks.
        res.writeHead(status, headers);
        if (body !== undefined && body.length > 0) res.write(body);
        res.end();
        return;
      }
      res.statusCode = status;
      for (const [name, value] of Object.entries(headers)) {
        if (value !== undefined) res.setHeader(name, value);
      }
      res.end(body ?? '');
    },
    head: (status, headers) => {
      if (isGone()) return;
      recording.record.status = status;
      res.writeHead(status, headers);
      // Send the head now, so a stream that fails before its first event still shows its status.
      res.flushHeaders();
    },
    write: (chunk) =>
      new Promise<void>((resolve) => {
        if (isGone()) return resolve();
        const done = () => {
          res.off('close', done);
          resolve();
        };
        res.once('close', done);
        res.write(chunk, () => done());
      }),
    end: () => {
      if (!isGone()) res.end();
    },
    cut: () => {
      closed = true;
      recording.markCut();
      req.socket.destroy();
    },
    note: (inputs) => {
      recording.record.inputs = { ...recording.record.inputs, ...inputs };
    },
    takeStreamFault: () => (recording.isCurrent() ? parts.faults.takeStream() : undefined),
    staticIndex: async () =>
      settings.static === undefined ? undefined : readStatic(settings.static, '/'),
  };
};
