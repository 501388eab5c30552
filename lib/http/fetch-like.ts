/** A WHATWG-compatible fetch. */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;
