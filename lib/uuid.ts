/**
 * A fresh UUID v4. The ids the protocol asks for are not secrets, but the platform's
 * generator is used wherever there is one (Node 19+, browsers on secure contexts: https and
 * http://localhost); a plain-http page has no `randomUUID` but has `getRandomValues`, as every
 * browser with fetch does.
 */
export const uuidV4 = (): string => {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};
