import { createSseFieldDecoder, type SseEvent } from '../../lib/stream/sse-fields';

test('events with their fields at the blank line; a comment is no event, onComment hears it', () => {
  const events: SseEvent[] = [];
  let comments = 0;
  const feed = createSseFieldDecoder(
    (e) => events.push(e),
    () => comments++,
  );
  for (const line of [
    'id: 3',
    'event: update',
    'data: {"a":1}',
    '',
    ': heartbeat',
    '',
    'data:x',
    '',
  ])
    feed(line);
  expect(events).toEqual([
    { event: 'update', id: '3', data: '{"a":1}' },
    { event: 'message', id: undefined, data: 'x' },
  ]);
  expect(comments).toBe(1);
});
