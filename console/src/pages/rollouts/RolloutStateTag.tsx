import i18n from '@dhis2/d2-i18n';
import { Tag } from '@dhis2/ui';

import type { RolloutState } from '../../api/rollouts.js';

export function rolloutStateLabel(state: RolloutState): string {
  switch (state) {
    case 'draft':
      return i18n.t('Draft');
    case 'running':
      return i18n.t('Running');
    case 'paused':
      return i18n.t('Paused');
    case 'halted':
      return i18n.t('Halted');
    case 'complete':
      return i18n.t('Complete');
  }
}

/** Rollout state as a coloured tag. */
export function RolloutStateTag({ state }: { state: RolloutState }) {
  const label = rolloutStateLabel(state);
  return (
    <span data-test="rollout-state" data-state={state}>
      {state === 'running' && <Tag positive>{label}</Tag>}
      {state === 'halted' && <Tag negative>{label}</Tag>}
      {state === 'paused' && <Tag neutral>{label}</Tag>}
      {(state === 'draft' || state === 'complete') && <Tag>{label}</Tag>}
    </span>
  );
}
