import fs from 'node:fs';
import path from 'node:path';
import { configTable } from '../../../src/cli/admin';
import { ConfigError, loadConfig, settings } from '../../../src/config';

describe('loadConfig', () => {
  it('gives every setting its default on an empty environment', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.HOST).toBe('127.0.0.1');
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.REDIS_URL).toBeUndefined();
    expect(config.DATA_DIR).toBe('./.data');
    expect(config.SEED_DEMO_DATA).toBe(true);
    expect(config.SERVICE_LEVEL_A).toBe(0.98);
    expect(config.FORECAST_CHUNK_SIZE).toBe(500);
  });

  it('parses numbers, flags and URLs from strings', () => {
    const config = loadConfig({
      PORT: '8080',
      SEED_DEMO_DATA: 'false',
      DATABASE_URL: 'postgres://root@127.0.0.1:5432/test',
      REDIS_URL: 'redis://127.0.0.1:6379',
    });
    expect(config.PORT).toBe(8080);
    expect(config.SEED_DEMO_DATA).toBe(false);
    expect(config.DATABASE_URL).toBe('postgres://root@127.0.0.1:5432/test');
    expect(config.REDIS_URL).toBe('redis://127.0.0.1:6379');
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://x@y/z'],
    ['REDIS_URL', 'not a url'],
    ['SERVICE_LEVEL_A', '1.5'],
    ['PIPELINE_SCHEDULE', 'every night'],
    ['REPLEN_ADMIN_KEY', 'short'],
    ['SEED_DEMO_DATA', 'maybe'],
  ])('rejects %s=%p with one line naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^Invalid setting ${name}=`));
  });

  it('returns a frozen object', () => {
    expect(Object.isFrozen(loadConfig({}))).toBe(true);
  });

  it('describes every setting in one line', () => {
    for (const setting of Object.values(settings)) {
      expect(setting.description).toMatch(/^[A-Z].+\.$/);
      expect(setting.description).not.toContain('\n');
    }
  });
});

describe('the README configuration table', () => {
  it('is exactly what `replen config` prints from the settings', () => {
    const readme = fs.readFileSync(path.join(__dirname, '../../../README.md'), 'utf8');
    expect(readme).toContain(configTable());
  });
});
