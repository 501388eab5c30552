/** The generation parameters the emulator acts on, TGI's defaults applied. */
export interface GenerationParams {
  maxNewTokens: number;
  stop: string[];
}

/** TGI's answer when it refuses the parameters before generating. */
export interface TgiRefusal {
  status: 422;
  contentType: string;
  body: string;
}

// TGI 0.9 (mid-2023): what the h2o models were served with.
const DEFAULT_MAX_NEW_TOKENS = 20;
const MAX_INPUT_LENGTH = 2048;

const validation = (message: string): TgiRefusal => ({
  status: 422,
  contentType: 'application/json',
  body: JSON.stringify({ error: `Input validation error: ${message}`, error_type: 'validation' }),
});

// axum refuses a body that does not deserialize with a plain-text 422 of its own.
const undeserializable = (field: string, detail: string): TgiRefusal => ({
  status: 422,
  contentType: 'text/plain; charset=utf-8',
  body: `Failed to deserialize the JSON body into the target type: parameters.${field}: ${detail}`,
});

const floats = ['temperature', 'repetition_penalty', 'top_p', 'typical_p'] as const;
const integers = ['top_k', 'max_new_tokens', 'truncate'] as const;

const isAbsent = (value: unknown) => value === undefined || value === null;

/**
 * Checks `parameters` the way TGI 0.9 does: the refusal it would answer, or the parameters the
 * emulator needs. `max_new_tokens` defaults to 20, as in TGI 0.9.
 */
export const checkParameters = (parameters: unknown): TgiRefusal | GenerationParams => {
  if (isAbsent(parameters)) return { maxNewTokens: DEFAULT_MAX_NEW_TOKENS, stop: [] };
  if (typeof parameters !== 'object' || Array.isArray(parameters)) {
    return undeserializable('', 'invalid type: expected struct GenerateParameters');
  }
  const p = parameters as Record<string, unknown>;
  for (const name of floats) {
    if (!isAbsent(p[name]) && typeof p[name] !== 'number') {
      return undeserializable(name, 'invalid type: expected f32');
    }
  }
  for (const name of integers) {
    const value = p[name];
    if (!isAbsent(value) && !(Number.isInteger(value) && (value as number) >= 0)) {
      return undeserializable(name, 'invalid type: expected u32');
    }
  }
  const stop = p.stop;
  if (!isAbsent(stop) && !(Array.isArray(stop) && stop.every((s) => typeof s === 'string'))) {
    return undeserializable('stop', 'invalid type: expected a sequence of strings');
  }
  const num = (name: string) => p[name] as number | null | undefined;
  const temperature = num('temperature');
  if (!isAbsent(temperature) && (temperature as number) <= 0) {
    return validation('`temperature` must be strictly positive');
  }
  const penalty = num('repetition_penalty');
  if (!isAbsent(penalty) && (penalty as number) <= 0) {
    return validation('`repetition_penalty` must be strictly positive');
  }
  for (const name of ['top_p', 'typical_p']) {
    const value = num(name);
    if (!isAbsent(value) && ((value as number) <= 0 || (value as number) >= 1)) {
      return validation(`\`${name}\` must be > 0.0 and < 1.0`);
    }
  }
  if (num('top_k') === 0) return validation('`top_k` must be strictly positive');
  const maxNewTokens = num('max_new_tokens') ?? DEFAULT_MAX_NEW_TOKENS;
  if (maxNewTokens === 0) return validation('`max_new_tokens` must be strictly positive');
  const truncate = num('truncate');
  if (
    !isAbsent(truncate) &&
    ((truncate as number) === 0 || (truncate as number) > MAX_INPUT_LENGTH)
  ) {
    return validation(
      `\`truncate\` must be strictly positive and less than ${MAX_INPUT_LENGTH}. Given: ${truncate}`,
    );
  }
  return { maxNewTokens, stop: (stop as string[] | undefined | null) ?? [] };
};

/** True when {@link checkParameters} refused. */
export const isRefusal = (value: TgiRefusal | GenerationParams): value is TgiRefusal =>
  'status' in value;
