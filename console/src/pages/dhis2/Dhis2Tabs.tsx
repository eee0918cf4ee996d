import i18n from '@dhis2/d2-i18n';
import { Tab, TabBar } from '@dhis2/ui';

import { navigate } from '../../router.js';
import styles from './Dhis2.module.css';

const TABS = [
  { path: '/dhis2', label: () => i18n.t('Connection and sync') },
  { path: '/dhis2/attention', label: () => i18n.t('Attention list') },
  { path: '/dhis2/apk', label: () => i18n.t('APK distribution') },
];

/** Tabs between the DHIS2 pages. */
export function Dhis2Tabs({ current }: { current: string }) {
  return (
    <div className={styles.tabs}>
      <TabBar>
        {TABS.map((tab) => (
          <Tab key={tab.path} selected={tab.path === current} onClick={() => navigate(tab.path)} dataTest={`dhis2-tab-${tab.path.split('/')[2] ?? 'sync'}`}>
            {tab.label()}
          </Tab>
        ))}
      </TabBar>
    </div>
  );
}
