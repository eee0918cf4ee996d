import { randomBytes } from 'node:crypto';

import pg from 'pg';

/** URL of the PostgreSQL server for tests, e.g. postgres://postgres@127.0.0.1:5432/test; unset means none. */
export const TEST_DATABASE_URL = process.env.OUTPOST_TEST_DATABASE_URL || undefined;

export interface TestSchema {
  /** Name of the new schema. */
  schema: string;
  /** The server URL with search_path set to the schema, so every connection opened with it uses the schema. */
  url: string;
  /** Drops the schema with everything in it. */
  drop(): Promise<void>;
}

/** Creates an empty schema with a random name, so test runs never see each other's rows. */
export async function createTestSchema(serverUrl: string): Promise<TestSchema> {
  const schema = `outpost_test_${randomBytes(6).toString('hex')}`;
  await runAdminQuery(serverUrl, `create schema ${schema}`);

  const url = new URL(serverUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    schema,
    url: url.href,
    async drop() {
      await runAdminQuery(serverUrl, `drop schema if exists ${schema} cascade`);
    },
  };
}

/** Runs one statement on a connection of its own, outside any pool under test. */
export async function runAdminQuery(serverUrl: string, text: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await client.query(text, values);
  } finally {
    await client.end();
  }
}
