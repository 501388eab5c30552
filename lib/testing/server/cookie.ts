/** The session cookie chat-ui reads on every request. */
export const SESSION_COOKIE = 'hf-chat';

/** The value of cookie `name` in a Cookie header; the first one wins, as in the `cookie` package. */
export const readCookie = (header: string | undefined, name: string): string | undefined => {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    let value = part.slice(eq + 1).trim();
    if (value.length > 1 && value.startsWith('"') && value.endsWith('"'))
      value = value.slice(1, -1);
    try {
      return decodeURIComponent(value);
    } catch {
      return value;
    }
  }
  return undefined;
};

/**
 * The session's Set-Cookie exactly as chat-ui (mid-2023) writes it. It is `Secure` even over
 * plain http: clients must cope with that, so the emulator must not be kinder.
 */
export const sessionCookie = (sessionId: string, now = new Date()): string => {
  const expires = new Date(now);
  expires.setUTCFullYear(expires.getUTCFullYear() + 1);
  return (
    `${SESSION_COOKIE}=${encodeURIComponent(sessionId)}; Path=/; ` +
    `Expires=${expires.toUTCString()}; HttpOnly; Secure; SameSite=None`
  );
};
