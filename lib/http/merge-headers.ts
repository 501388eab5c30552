const isEmpty = (headers: object): boolean => {
  for (const _ in headers) return false;
  return true;
};

/**
 * The user's headers with the protocol's own on top. Header names are case-insensitive: a
 * user header that differs from one of ours only in case (`Content-Type`, `ACCEPT`) is
 * dropped, not sent beside ours (fetch would join the two values).
 */
export const mergeHeaders = (
  user: Readonly<Record<string, string>>,
  ours: Readonly<Record<string, string>> | undefined,
): Record<string, string> => {
  if (!ours) return { ...user };
  // Most completions add no header of their own: nothing to compare then.
  if (isEmpty(user)) return { ...ours };
  const taken = new Set(Object.keys(ours).map((name) => name.toLowerCase()));
  const merged: Record<string, string> = {};
  for (const [name, value] of Object.entries(user)) {
    if (!taken.has(name.toLowerCase())) merged[name] = value;
  }
  return Object.assign(merged, ours);
};
