/**
 * An emulator option that must be a number >= 0 (`integer`: a whole one), or its `fallback`
 * when not given; anything else throws, naming the option as `startEmulator` takes it.
 */
export const nonNegative = (
  name: string,
  value: number | undefined,
  fallback: number,
  integer = false,
): number => {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    throw new Error(`startEmulator: ${name} must be a number >= 0, got ${value}`);
  }
  return value;
};
