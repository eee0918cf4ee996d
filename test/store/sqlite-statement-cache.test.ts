import SqliteDatabase from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';

import { StatementCachingDatabase } from '../../src/store/sqlite-statement-cache.js';

describe('StatementCachingDatabase', () => {
  let database: StatementCachingDatabase | null = null;

  afterEach(() => {
    database?.close();
    database = null;
  });

  function open(maxStatements?: number): StatementCachingDatabase {
    const sqlite = new SqliteDatabase(':memory:');
    sqlite.exec('create table t (id integer primary key, name text)');
    database = new StatementCachingDatabase(sqlite, maxStatements);
    return database;
  }

  it('returns one statement per SQL text', () => {
    const cache = open();
    const first = cache.prepare('select name from t where id = ?');
    const second = cache.prepare('select name from t where id = ?');
    const other = cache.prepare('select id from t');

    expect(second).toBe(first);
    expect(other).not.toBe(first);
    expect(cache.size).toBe(2);
  });

  it('runs a reused statement with new parameters', () => {
    const cache = open();
    cache.prepare('insert into t (id, name) values (?, ?)').run([1, 'one']);
    cache.prepare('insert into t (id, name) values (?, ?)').run([2, 'two']);

    expect(cache.prepare('select name from t where id = ?').all([1])).toEqual([{ name: 'one' }]);
    expect(cache.prepare('select name from t where id = ?').all([2])).toEqual([{ name: 'two' }]);
  });

  it('drops the least recently used past its bound', () => {
    const cache = open(2);
    const a = cache.prepare('select 1');
    cache.prepare('select 2');
    expect(cache.prepare('select 1')).toBe(a);
    cache.prepare('select 3');

    expect(cache.size).toBe(2);
    expect(cache.prepare('select 1')).toBe(a);
    expect(cache.size).toBe(2);
  });

  it('prepares anew after clear', () => {
    const cache = open();
    const before = cache.prepare('select * from t');
    cache.clear();

    expect(cache.size).toBe(0);
    expect(cache.prepare('select * from t')).not.toBe(before);
  });
});
