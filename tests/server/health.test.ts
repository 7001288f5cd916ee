import { afterAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { createTestDatabase, databaseKind } from '../helpers/database.js';

let app: TestApp | undefined;
afterAll(async () => app?.app.close());

describe(`GET /healthz on ${databaseKind}`, () => {
  it('answers 200 while the database answers and 503 once it does not', async () => {
    const database = await createTestDatabase();
    app = await createTestApp({ database });
    const healthy = await app.app.inject({ method: 'GET', url: '/healthz' });
    expect(healthy.statusCode).toBe(200);
    expect(healthy.json()).toMatchObject({ status: 'ok', database: { status: 'ok' } });

    await database.close();
    const down = await app.app.inject({ method: 'GET', url: '/healthz' });
    expect(down.statusCode).toBe(503);
    expect(down.json()).toMatchObject({ status: 'error', database: { status: 'unreachable' } });
  });
});
