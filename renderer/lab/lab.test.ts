import { afterEach, describe, expect, it } from 'vitest';
import { EngineError } from '../../engine/worker/protocol';
import { fakeLab } from '../tests/fakes';
import { callEngine, getLabApi, setLabApi, unwrap } from '.';

describe('LabApi factory', () => {
  afterEach(() => {
    setLabApi(undefined);
    delete window.lab;
  });

  it('uses window.lab when the preload provided it', () => {
    const lab = fakeLab({}, 'electron');
    window.lab = lab;
    expect(getLabApi()).toBe(lab);
  });

  it('falls back to the web bridge in a browser', () => {
    expect(getLabApi().host).toBe('web');
  });

  it('unwraps results and throws engine errors with errno and detail', async () => {
    expect(unwrap({ ok: true, value: 3 })).toBe(3);
    const e = (() => {
      try {
        unwrap({ ok: false, error: { errno: 'EMSGSIZE', message: 'too small', detail: { n: 2 } } });
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(EngineError);
    expect(e).toMatchObject({ errno: 'EMSGSIZE', message: 'too small', detail: { n: 2 } });
    setLabApi(fakeLab());
    await expect(callEngine('version', {})).resolves.toMatchObject({ engine: '9.8.7' });
  });
});
