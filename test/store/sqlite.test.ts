import { openDatabase } from '../../src/store/database.js';
import { describeRepositoryConformance } from './conformance.js';

describeRepositoryConformance('SQLite', async () => {
  const db = openDatabase(':memory:');
  return { db, cleanup: () => db.destroy() };
});
