import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Dialect } from './dialect';
import { createExchange, type EmulatorSettings } from './exchange';
import type { FaultQueue } from '../faults';
import type { Recorder } from './recorder';
import { readStatic } from './static';
import type { Timers } from './timers';

/** What the request handler works with. */
export interface ServerParts {
  settings: EmulatorSettings;
  dialect: Dialect;
  faults: FaultQueue;
  recorder: Recorder;
  timers: Timers;
}

const readBody = async (req: IncomingMessage): Promise<string | undefined> => {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of req) chunks.push(chunk as Buffer);
  } catch {
    return undefined; // the client went away mid-body
  }
  return Buffer.concat(chunks).toString('utf8');
};

// `new URL('//x/y', base)` would read `x` as a host; the request target is always a path here.
const pathnameOf = (target: string): string => {
  try {
    return new URL(target.startsWith('/') ? `http://emulator${target}` : target).pathname;
  } catch {
    return '/';
  }
};

/**
 * Every request: record it, read its body, wait `latencyMs`, then serve a static file, an
 * injected fault, or the dialect's answer.
 */
const handle = async (parts: ServerParts, req: IncomingMessage, res: ServerResponse) => {
  const { settings, dialect, faults, recorder, timers } = parts;
  const recording = recorder.track(req, res);
  const body = await readBody(req);
  if (body === undefined) return;
  recording.record.body = body;
  const pathname = pathnameOf(req.url ?? '/');
  const method = req.method ?? 'GET';
  // The folder is served before the app, as sirv is before SvelteKit; `/` stays the app's page.
  const file =
    settings.static !== undefined && method === 'GET' && pathname !== '/'
      ? await readStatic(settings.static, pathname)
      : undefined;
  const step = file ? undefined : dialect.stepOf(method, pathname);
  recording.record.step = step;
  const x = createExchange({ req, res, pathname, body, step, settings, recording, timers, faults });
  if (settings.latencyMs > 0) await x.sleep(settings.latencyMs);
  if (x.isGone()) return;
  if (file) {
    return x.send({ status: 200, headers: { 'content-type': file.contentType }, body: file.body });
  }
  // A request of a test before the last reset() must not take the faults of this one.
  const fault = step && recording.isCurrent() ? faults.takeAnswer(step) : undefined;
  if (fault && fault.kind === 'reset') return x.cut();
  if (fault) return dialect.fail(x, fault);
  try {
    await dialect.handle(x);
  } catch {
    if (res.headersSent) x.cut();
    else
      x.send({
        status: 500,
        headers: { 'content-type': 'application/json' },
        body: '{"message":"Internal Error"}',
      });
  }
};

/** An http server that answers every request through {@link ServerParts}. */
export const createEmulatorServer = (parts: ServerParts): Server =>
  createServer((req, res) => {
    // A generation can outlive its response (a client that left): settled() waits for it too.
    parts.recorder.busy(handle(parts, req, res));
  });
