/** One server-sent event with the fields the resume channel uses. */
export interface SseEvent {
  /** The `event:` name (`message` when none was given). */
  readonly event: string;
  /** The `id:` of this event, if it had one. */
  readonly id?: string;
  readonly data: string;
}

// A field's value: after `name:` and one optional space.
const valueOf = (line: string, colon: number) =>
  line.charCodeAt(colon + 1) === 32 ? line.slice(colon + 2) : line.slice(colon + 1);

/**
 * Server-sent events with their `event:` and `id:` fields (the stream step's decoder keeps
 * only `data`, which is all a token stream needs; the resume channel's `end` and sequence
 * numbers live in the other two). A comment (`: heartbeat`) is no event: `onComment` hears it;
 * an event is dispatched at the blank line that ends it, if it had data.
 */
export const createSseFieldDecoder = (
  onEvent: (event: SseEvent) => void,
  onComment: () => void = () => undefined,
) => {
  let event = 'message';
  let id: string | undefined;
  let data: string | undefined;
  return (line: string): void => {
    if (line === '') {
      if (data !== undefined) onEvent({ event, id, data });
      event = 'message';
      id = undefined;
      data = undefined;
      return;
    }
    const colon = line.indexOf(':');
    if (colon === 0) return onComment();
    const name = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : valueOf(line, colon);
    if (name === 'data') data = data === undefined ? value : `${data}\n${value}`;
    else if (name === 'event') event = value;
    else if (name === 'id') id = value;
  };
};
