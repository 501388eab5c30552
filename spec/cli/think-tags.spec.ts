// The `<think>…</think>` block that opens an answer (chat-ui v0.20 streams a backend's reasoning
// inside the answer's tokens), split from the answer whatever the tokens' boundaries.
import { type TextPart, thinkSplitter } from '../../lib/cli/think-tags';

// Adjacent parts of one kind joined: how the text reads, whatever the pieces.
const read = (tokens: string[]) => {
  const split = thinkSplitter();
  const all: TextPart[] = [...tokens.flatMap((t) => split.feed(t)), ...split.end()];
  let reasoning = '';
  let answer = '';
  for (const part of all) {
    if ('reasoning' in part) {
      expect(answer).toBe(''); // the thinking comes first, never after the answer began
      reasoning += part.reasoning;
    } else answer += part.answer;
  }
  return { reasoning, answer };
};

const text = '<think>Let me think. </thin Step 1.</think>Hello <think>there</think>';

test('the opening block is reasoning, the rest the answer (a later <think> is text)', () => {
  expect(read([text])).toEqual({
    reasoning: 'Let me think. </thin Step 1.',
    answer: 'Hello <think>there</think>',
  });
});

test('the same split into two tokens at every offset, and into single characters', () => {
  for (let at = 0; at <= text.length; at++) {
    expect(read([text.slice(0, at), text.slice(at)])).toEqual(read([text]));
  }
  expect(read([...text])).toEqual(read([text]));
});

test('text that does not open with <think> is all answer; an unclosed block all reasoning', () => {
  expect(read(['<thi', 'nk? no'])).toEqual({ reasoning: '', answer: '<think? no' });
  expect(read([' <think>x</think>y'])).toEqual({ reasoning: '', answer: ' <think>x</think>y' });
  expect(read(['<think>still thinking</th'])).toEqual({
    reasoning: 'still thinking</th',
    answer: '',
  });
  expect(read(['<thi'])).toEqual({ reasoning: '', answer: '<thi' });
});
