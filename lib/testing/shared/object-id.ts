import { randomBytes } from 'node:crypto';

/** A maker of MongoDB-style ObjectIds (24 hex chars), as chat-ui gives conversations. */
export const createObjectIds = (): (() => string) => {
  // Like the bson package: a per-process random part and a counter with a random start.
  const random = randomBytes(5);
  let counter = randomBytes(3).readUIntBE(0, 3);
  return () => {
    const id = Buffer.alloc(12);
    id.writeUInt32BE(Math.floor(Date.now() / 1000) >>> 0, 0);
    random.copy(id, 4);
    id.writeUIntBE(counter, 9, 3);
    counter = (counter + 1) % 0x1000000;
    return id.toString('hex');
  };
};

/**
 * The id as `new ObjectId(id)` reads it (24 hex chars, or any 12-byte string), in lower-case
 * hex; undefined where the real server throws, which it answers with a 500.
 */
export const parseObjectId = (id: string): string | undefined => {
  if (/^[0-9a-fA-F]{24}$/.test(id)) return id.toLowerCase();
  if (id.length === 12 && Buffer.byteLength(id) === 12) return Buffer.from(id).toString('hex');
  return undefined;
};
