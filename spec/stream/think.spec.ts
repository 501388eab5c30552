import fc from 'fast-check';
import { from, lastValueFrom, toArray } from 'rxjs';
import type { CompletionEvent } from '../../lib/events';
import { reasoningApart, thinkApart, thinkSplitter } from '../../lib/stream/think';

const run = async (texts: string[], final: string) =>
  lastValueFrom(
    from<CompletionEvent[]>([
      ...texts.map((text) => ({ type: 'token' as const, text })),
      { type: 'done', text: final, tokens: texts.length, conversationId: 'c' },
    ]).pipe(reasoningApart(), toArray()),
  );

// The same text, joined by kind: what a reader of the events puts together.
const joined = (events: CompletionEvent[]) => ({
  answer: events.flatMap((e) => (e.type === 'token' ? [e.text] : [])).join(''),
  reasoning: events.flatMap((e) => (e.type === 'reasoning' ? [e.text] : [])).join(''),
});

describe('reasoningApart: <think> blocks out of the answer (dialect chat-ui)', () => {
  it('the OpenAI adapter’s shape: <think> opens the first reasoning token, </think> the answer’s', async () => {
    const final = '<think>Let me think. Step 1.</think>one two';
    const events = await run(['<think>Let me think.', ' Step 1.', '</think>one', ' two'], final);
    expect(events).toEqual([
      { type: 'reasoning', text: 'Let me think.' },
      { type: 'reasoning', text: ' Step 1.' },
      { type: 'token', text: 'one' },
      { type: 'token', text: ' two' },
      {
        type: 'done',
        text: 'one two',
        reasoning: 'Let me think. Step 1.',
        tokens: 2,
        conversationId: 'c',
      },
    ]);
  });

  it('a token with no tag passes as the same object, and done unchanged', async () => {
    const token: CompletionEvent = { type: 'token', text: 'plain' };
    const done: CompletionEvent = { type: 'done', text: 'plain', tokens: 1, conversationId: 'c' };
    const events = await lastValueFrom(from([token, done]).pipe(reasoningApart(), toArray()));
    expect(events[0]).toBe(token);
    expect(events[1]).toBe(done);
  });

  it('an answer with a "<" that is no tag stays whole', async () => {
    const events = await run(['a <', ' b <thin', 'g>'], 'a < b <thing>');
    expect(joined(events)).toEqual({ answer: 'a < b <thing>', reasoning: '' });
    expect(events.at(-1)).toEqual({
      type: 'done',
      text: 'a < b <thing>',
      tokens: 3,
      conversationId: 'c',
    });
  });

  it('tags cut anywhere across tokens, in any case: the same answer and reasoning', async () => {
    const text = 'pre<think>deep <b>thought</b></THINK> answer <i>x</i><think>more';
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 1, max: text.length - 1 })),
        async (cuts) => {
          const at = [0, ...cuts.sort((a, b) => a - b), text.length];
          const texts = at.slice(1).map((end, i) => text.slice(at[i], end));
          const events = await run(texts, text);
          expect(joined(events)).toEqual({
            answer: 'pre answer <i>x</i>',
            reasoning: 'deep <b>thought</b>more',
          });
          expect(
            events.some((e) => (e.type === 'token' || e.type === 'reasoning') && e.text === ''),
          ).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a tag’s beginning held at the end of the stream is given back as text', () => {
    const s = thinkSplitter();
    expect(s.split('x <thi')).toEqual([{ reasoning: false, text: 'x ' }]);
    expect(s.flush()).toEqual([{ reasoning: false, text: '<thi' }]);
  });
});

describe('thinkApart: a stored or final text', () => {
  it('takes every block out, an unclosed one to the end, and the space after a block', () => {
    expect(thinkApart('<think>a</think>\n\nAnswer <think>b')).toEqual({
      answer: 'Answer ',
      reasoning: 'a\nb',
    });
    expect(thinkApart('no reasoning')).toEqual({ answer: 'no reasoning' });
  });
});
