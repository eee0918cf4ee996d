import i18n from '@dhis2/d2-i18n';

import { TrackPanel } from '../../components/map/TrackPanel.js';
import { Section } from '../../components/Section.js';

/** The device page's map of where the phone has been. */
export function DeviceTrackSection({ deviceId, lastFixAt }: { deviceId: string; lastFixAt: number | null }) {
  return (
    <Section title={i18n.t('Location history')} dataTest="device-track">
      <TrackPanel deviceId={deviceId} lastFixAt={lastFixAt} />
    </Section>
  );
}
