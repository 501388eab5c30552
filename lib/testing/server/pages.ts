// Our own minimal pages: chat-ui's real HTML embeds its app and must not be copied here.

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const escape = (text: string) => text.replace(/[&<>"]/g, (c) => entities[c] ?? c);

const page = (title: string, body: string) =>
  `<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8"><title>${escape(title)}</title></head>\n` +
  `<body>${body}</body>\n</html>\n`;

/** The page at `/`: only its Set-Cookie matters to a client. */
export const homePage = (): string =>
  page('h2o-rx emulator', '<h1>h2o-rx emulator</h1><p>A stand-in for a chat-ui server.</p>');

/** The page of one conversation. */
export const conversationPage = (title: string): string => page(title, `<h1>${escape(title)}</h1>`);

/** An error page, as SvelteKit serves when the client did not ask for JSON. */
export const errorPage = (status: number, message: string): string =>
  page(`${status}`, `<h1>${status}</h1><p>${escape(message)}</p>`);

/** The page a proxy in front of the server shows for 502, 503 and 504. */
export const proxyErrorPage = (status: number, reason: string): string =>
  page(
    `${status} ${reason}`,
    `<center><h1>${status} ${escape(reason)}</h1></center><hr><center>nginx</center>`,
  );
