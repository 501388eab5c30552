/**
 * Where the server serves a file an answer produced (`GET /conversation/<id>/output/<sha>`):
 * the front end shows the file from there, with the session's cookie.
 */
export const outputFileUrl = (baseUrl: string, conversationId: string, sha: string): string =>
  `${baseUrl.replace(/\/+$/, '')}/conversation/${encodeURIComponent(conversationId)}/output/${encodeURIComponent(sha)}`;
