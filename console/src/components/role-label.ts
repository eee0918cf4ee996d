import i18n from '@dhis2/d2-i18n';

import type { Role } from '../api/types.js';

export function roleLabel(role: Role): string {
  switch (role) {
    case 'admin':
      return i18n.t('Admin');
    case 'operator':
      return i18n.t('Operator');
    case 'viewer':
      return i18n.t('Viewer');
  }
}
