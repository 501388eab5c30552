import { randomUUID } from 'node:crypto';
import type { LeadStep } from './generation';
import type { ReasoningSettings } from './settings';
import type { EmulatorToolCall } from '../types';

/** The reasoning text's tokens: "Let me think.", " Step 1.", " Step 2.", … */
export const reasoningTokens = (count: number): string[] =>
  Array.from({ length: count }, (_, i) => (i === 0 ? 'Let me think.' : ` Step ${i}.`));

/**
 * What a reasoning model sends before its answer, over `durationMs` (its tokens evenly spread,
 * the last one at the end of the phase), as chat-ui v0.20 writes it for each `wire`:
 * - `think`: the OpenAI adapter's `<think>` opening the first reasoning token, as answer
 *   tokens (the caller opens the answer's first token with `</think>`);
 * - `updates`: generate.ts's reasoning updates for a model whose reasoning begins at once;
 * - `hidden`: the wait alone.
 */
export const reasoningLead = ({ durationMs, tokens, wire }: ReasoningSettings): LeadStep[] => {
  if (wire === 'hidden' || tokens === 0) return [{ delayMs: durationMs }];
  const gap = durationMs / tokens;
  const texts = reasoningTokens(tokens);
  if (wire === 'think') {
    return texts.map((text, i) => ({ delayMs: gap, token: i === 0 ? `<think>${text}` : text }));
  }
  return [
    {
      delayMs: 0,
      update: { type: 'reasoning', subtype: 'status', status: 'Started reasoning...' },
    },
    ...texts.map((token) => ({
      delayMs: gap,
      update: { type: 'reasoning', subtype: 'stream', token },
    })),
    {
      delayMs: 0,
      update: {
        type: 'reasoning',
        subtype: 'status',
        status: `Done in ${Math.round(durationMs / 1000)}s.`,
      },
    },
  ];
};

/**
 * One round of chat-ui's MCP flow for `call`, as its toolInvocation writes the updates: the
 * call (with the backend's call id and raw arguments), its ETA (always 10), the tool's
 * progress reports, then its result or error; the follow-up completion is the answer.
 */
export const toolLead = (call: EmulatorToolCall): LeadStep[] => {
  const uuid = randomUUID();
  const progress = call.progress ?? [];
  const gap = (call.durationMs ?? 0) / (progress.length + 1);
  const named = { name: call.name, parameters: call.parameters };
  const ending: Record<string, unknown> =
    call.error !== undefined
      ? { type: 'tool', subtype: 'error', uuid, message: call.error }
      : {
          type: 'tool',
          subtype: 'result',
          uuid,
          result: {
            status: 'success',
            call: named,
            outputs: [
              { text: call.output ?? '', content: [{ type: 'text', text: call.output ?? '' }] },
            ],
            display: true,
          },
        };
  return [
    {
      delayMs: 0,
      update: {
        type: 'tool',
        subtype: 'call',
        uuid,
        call: named,
        originalId: `call_${uuid.replace(/-/g, '').slice(0, 24)}`,
        argumentsRaw: JSON.stringify(call.parameters),
      },
    },
    { delayMs: 0, update: { type: 'tool', subtype: 'eta', uuid, eta: 10 } },
    ...progress.map((report) => ({
      delayMs: gap,
      update: {
        type: 'tool',
        subtype: 'progress',
        uuid,
        progress: report.progress,
        ...(report.total === undefined ? {} : { total: report.total }),
        ...(report.message === undefined ? {} : { message: report.message }),
      },
    })),
    { delayMs: gap, update: ending },
  ];
};
