/** How long a stop record lives without a new stop (chat-ui's TTL index on `updatedAt`). */
const recordTtlMs = 30_000;

/** The 2023 server's stop records and how it reads them; see {@link createStops}. */
export interface Stops {
  /** stop-generating: the conversation's record is made, or its `updatedAt` renewed. */
  record(conversationId: string): void;
  /** True when the server now knows of a stop newer than a generation started at `startedAt`. */
  stops(conversationId: string, startedAt: number): boolean;
}

/**
 * The 2023 server's stops (chat-ui mid-2023, `abortedGenerations`): stop-generating upserts one
 * record per conversation, keeping the `createdAt` of the first stop while stops keep coming
 * (30 s at most between them); a loop reads every record every `checkMs` into a map of
 * conversation → `createdAt`, and a generation is stopped at its next backend chunk once that map
 * holds a time after the generation's start. So a stop lands up to `checkMs` late, cuts every
 * generation of the conversation that began before it, and a second stop within 30 s of the
 * first cuts only what began before the first.
 */
export const createStops = (checkMs: number, now: () => number = Date.now): Stops => {
  const records = new Map<string, { createdAt: number; updatedAt: number }>();
  const start = now();
  // The time of the loop's last read.
  const lastRead = (t: number) =>
    checkMs > 0 ? start + Math.floor((t - start) / checkMs) * checkMs : t;
  const alive = (r: { updatedAt: number }, t: number) => t - r.updatedAt < recordTtlMs;
  return {
    record(conversationId) {
      const t = now();
      const r = records.get(conversationId);
      if (r && alive(r, t)) r.updatedAt = t;
      else records.set(conversationId, { createdAt: t, updatedAt: t });
    },
    stops(conversationId, startedAt) {
      const r = records.get(conversationId);
      if (!r) return false;
      const read = lastRead(now());
      // The loop saw the record only if it existed at its last read and had not expired.
      return r.createdAt <= read && alive(r, read) && r.createdAt > startedAt;
    },
  };
};
