import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';

describe('geocoder settings', () => {
  it('leave the external geocoder off, with a two-second timeout, unless GEOCODER_URL is set', () => {
    expect(loadConfig({}).geocoder).toEqual({ url: undefined, countryCodes: undefined, timeoutMs: 2000 });
    expect(
      loadConfig({ GEOCODER_URL: 'http://nominatim.local:8080/', GEOCODER_COUNTRY: 'MX, gt', GEOCODER_TIMEOUT_MS: '500' }).geocoder,
    ).toEqual({ url: 'http://nominatim.local:8080', countryCodes: ['mx', 'gt'], timeoutMs: 500 });
  });

  it('name the variable that is wrong', () => {
    expect(() => loadConfig({ GEOCODER_URL: 'ftp://x' })).toThrow(/^GEOCODER_URL=/);
    expect(() => loadConfig({ GEOCODER_COUNTRY: 'mexico' })).toThrow(/^GEOCODER_COUNTRY=.*códigos de país/);
    expect(() => loadConfig({ GEOCODER_TIMEOUT_MS: '10' })).toThrow(/^GEOCODER_TIMEOUT_MS=/);
    expect(() => loadConfig({ GAZETTEER_FILE: 'calles.xlsx' })).toThrow(/^GAZETTEER_FILE=.*\.json.*\.csv/);
    expect(loadConfig({ GAZETTEER_FILE: 'calles.CSV' }).gazetteerPath).toBe('calles.CSV');
  });
});
