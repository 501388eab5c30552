import { lastValueFrom } from 'rxjs';
import { listModels$, models, provider } from '../../lib';
import { Emulator, startEmulator } from '../../lib/testing';
import { collect, seen } from '../helpers';

describe('provider metadata', () => {
  it('describes the seed provider', () => {
    expect(provider).toMatchObject({
      name: 'H2o',
      url: 'https://gpt-gm.h2o.ai',
      models: ['falcon-7b', 'falcon-40b', 'llama-13b'],
      supportsStream: true,
      needsAuth: false,
    });
    expect(provider.params).toMatch(/temperature: float/);
    expect(provider.params.includes('\n')).toBe(false);
  });

  it('maps every alias to its full id', () => {
    expect(models).toEqual({
      'falcon-7b': 'h2oai/h2ogpt-gm-oasst1-en-2048-falcon-7b-v3',
      'falcon-40b': 'h2oai/h2ogpt-gm-oasst1-en-2048-falcon-40b-v1',
      'llama-13b': 'h2oai/h2ogpt-gm-oasst1-en-2048-open-llama-13b',
    });
    expect([...provider.models].sort()).toEqual(Object.keys(models).sort());
  });
});

describe('listModels$', () => {
  let emu: Emulator;
  beforeEach(async () => {
    emu = await startEmulator();
  });
  afterEach(() => emu.close());

  it('lists the server models with GET /api/models', async () => {
    const list = await lastValueFrom(listModels$({ baseUrl: emu.url }));
    expect(list.map((m) => m.id).sort()).toEqual(Object.values(models).sort());
    expect(seen(emu)).toEqual(['GET /api/models']);
    expect(emu.requests[0].headers.accept).toBe('application/json');
  });

  it('fails with an H2oHttpError when the server has no such endpoint', async () => {
    emu.inject({ step: 'models', status: 404 });
    const { error } = await collect(listModels$({ baseUrl: emu.url }));
    expect(error).toMatchObject({ name: 'H2oHttpError', status: 404, step: 'models' });
    expect((error as Error).message).toMatch(/^models: HTTP 404/);
  });

  it('refuses a bad baseUrl before any request', async () => {
    const { error } = await collect(listModels$({ baseUrl: 'file:///etc/passwd' }));
    expect(error).toMatchObject({ name: 'H2oInputError', step: 'input' });
  });
});
