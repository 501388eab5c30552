import { createEventDecoder } from './frames';
import { createLineDecoder } from './lines';
import type { StreamSink } from './tgi';

/** Reads one event payload of a dialect's stream into a sink. */
export type PayloadReader = (payload: string, sink: StreamSink) => void;

/**
 * Runs a body through bytes → lines → event payloads → the dialect's reader → `sink`,
 * resolving when the body ends. Throws what the layers throw (`H2oProtocolError`) and what
 * the body throws (the caller makes that a network error).
 */
export const pumpStream = async (
  chunks: AsyncIterable<Uint8Array>,
  maxLineBytes: number,
  read: PayloadReader,
  sink: StreamSink,
): Promise<void> => {
  const events = createEventDecoder((payload) => read(payload, sink));
  const lines = createLineDecoder(events.line, maxLineBytes);
  for await (const chunk of chunks) lines.feed(chunk);
  lines.end();
  events.end();
};
