import type { Logger } from 'pino';

import type { BlobStore } from './blobs/blob-store.js';
import type { OutpostConfig } from './config.js';
import type { PushHub } from './push/push-hub.js';
import type { Store } from './store/store.js';

/** What routes and services share in one Outpost process. */
export interface AppContext {
  config: OutpostConfig;
  logger: Logger;
  store: Store;
  blobs: BlobStore;
  push: PushHub;
  /** Current time in milliseconds; replaced in tests. */
  now(): number;
}
