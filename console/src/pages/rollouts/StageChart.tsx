import i18n from '@dhis2/d2-i18n';

import type { StageProgress, StatusCounts } from '../../api/rollouts.js';
import styles from './Rollouts.module.css';

type CountKey = keyof StatusCounts;

interface Segment {
  key: CountKey;
  label: () => string;
  colour: string;
}

// DHIS2 palette colours, in the order the bar is drawn from the left.
const SEGMENTS: Segment[] = [
  { key: 'installed', label: () => i18n.t('Installed'), colour: '#1b5e20' },
  { key: 'downloading', label: () => i18n.t('Downloading'), colour: '#147cd7' },
  { key: 'pending', label: () => i18n.t('Pending'), colour: '#a0adba' },
  { key: 'failed', label: () => i18n.t('Failed'), colour: '#d32f2f' },
  { key: 'incompatible', label: () => i18n.t('Incompatible'), colour: '#f57c00' },
];

const LABEL_WIDTH = 150;
const BAR_WIDTH = 480;
const ROW_HEIGHT = 34;
const BAR_HEIGHT = 20;
const COUNTS_WIDTH = 90;

/** Draws one horizontal stacked bar per stage: device counts by outcome, scaled to the stage's devices. */
export function StageChart({ stages }: { stages: StageProgress[] }) {
  const width = LABEL_WIDTH + BAR_WIDTH + COUNTS_WIDTH;
  const height = Math.max(1, stages.length) * ROW_HEIGHT;

  return (
    <div data-test="stage-chart">
      <svg
        className={styles.chart}
        width={width}
        height={height}
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={i18n.t('Devices per stage by outcome')}
      >
        {stages.map((stage, row) => {
          const y = row * ROW_HEIGHT;
          const total = SEGMENTS.reduce((sum, segment) => sum + stage[segment.key], 0);
          let x = LABEL_WIDTH;
          return (
            <g key={stage.index} data-test="stage-bar" data-installed={stage.installed} data-devices={stage.devices}>
              <text x={0} y={y + BAR_HEIGHT - 5} fontSize="13">
                {i18n.t('Stage {{number}} ({{percent}}%)', { number: stage.index + 1, percent: stage.percent })}
              </text>
              <rect x={LABEL_WIDTH} y={y} width={BAR_WIDTH} height={BAR_HEIGHT} fill="#eef1f4" />
              {total > 0 &&
                SEGMENTS.map((segment) => {
                  const count = stage[segment.key];
                  if (count === 0) return null;
                  const segmentWidth = (count / total) * BAR_WIDTH;
                  const rect = (
                    <rect key={segment.key} x={x} y={y} width={segmentWidth} height={BAR_HEIGHT} fill={segment.colour}>
                      <title>{`${segment.label()}: ${count}`}</title>
                    </rect>
                  );
                  x += segmentWidth;
                  return rect;
                })}
              <text x={LABEL_WIDTH + BAR_WIDTH + 8} y={y + BAR_HEIGHT - 5} fontSize="13">
                {stage.started ? `${stage.installed} / ${stage.devices}` : i18n.t('not started')}
              </text>
            </g>
          );
        })}
      </svg>
      <ul className={styles.legend}>
        {SEGMENTS.map((segment) => (
          <li key={segment.key}>
            <span className={styles.swatch} style={{ background: segment.colour }} />
            {segment.label()}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Lists the outcome counts as a table, so the numbers can be read exactly. */
export function StageCountsTable({ stages }: { stages: StageProgress[] }) {
  return (
    <table className={styles.counts} data-test="stage-counts">
      <thead>
        <tr>
          <th>{i18n.t('Stage')}</th>
          <th>{i18n.t('Devices')}</th>
          {SEGMENTS.map((segment) => (
            <th key={segment.key}>{segment.label()}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {stages.map((stage) => (
          <tr key={stage.index} data-test="stage-counts-row">
            <td>{stage.index + 1}</td>
            <td>{stage.devices}</td>
            {SEGMENTS.map((segment) => (
              <td key={segment.key} data-test={`count-${segment.key}`}>
                {stage[segment.key]}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
