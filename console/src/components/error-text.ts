import i18n from '@dhis2/d2-i18n';

import { ApiError, NETWORK_ERROR_STATUS } from '../api/client.js';

/**
 * Returns the text shown to the user for an error. API errors carry the
 * server's message, which names the problem and the fix.
 */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === NETWORK_ERROR_STATUS) {
      return i18n.t('The server could not be reached. Check the network connection and try again.');
    }
    if (error.status === 403) {
      return i18n.t('The server did not allow this action: {{message}}', { message: error.message });
    }
    return i18n.t('The server returned an error ({{status}}): {{message}}', {
      status: error.status,
      message: error.message,
    });
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
