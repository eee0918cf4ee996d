import i18n from '@dhis2/d2-i18n';
import { Button, Checkbox } from '@dhis2/ui';
import { useMemo, useState } from 'react';

import type { OrgUnit } from '../../api/types.js';
import styles from './Users.module.css';

interface Props {
  units: OrgUnit[];
  selected: string[];
  onChange: (selected: string[]) => void;
  /** One unit at most, for pickers that choose a single place. */
  single?: boolean;
  dataTest?: string;
}

// Two levels (country and regions) open at first; deeper levels open on demand.
const OPEN_LEVELS = 2;

/**
 * Org-unit tree with a checkbox per unit. Choosing a unit covers its whole
 * subtree, so its descendants are shown as covered rather than chosen again.
 * The @dhis2/ui OrganisationUnitTree reads units from a DHIS2 server through
 * the app runtime; this one works from Outpost's own org-unit list.
 */
export function OrgUnitTreePicker({ units, selected, onChange, single = false, dataTest = 'org-unit-tree' }: Props) {
  const children = useMemo(() => {
    const byParent = new Map<string | null, OrgUnit[]>();
    const known = new Set(units.map((unit) => unit.id));
    for (const unit of units) {
      const parent = unit.parentId !== null && known.has(unit.parentId) ? unit.parentId : null;
      byParent.set(parent, [...(byParent.get(parent) ?? []), unit]);
    }
    for (const list of byParent.values()) list.sort((a, b) => a.name.localeCompare(b.name));
    return byParent;
  }, [units]);
  // Units the person opened or closed, against the default of OPEN_LEVELS; the
  // units may arrive after the first render, so the default is not stored.
  const [toggled, setToggled] = useState<Set<string>>(() => new Set());
  const isOpen = (unit: OrgUnit) => toggled.has(unit.id) !== (unit.level ?? 1) < OPEN_LEVELS;

  const toggleOpen = (id: string) =>
    setToggled((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const toggleSelected = (id: string, checked: boolean) => {
    if (single) onChange(checked ? [id] : []);
    else onChange(checked ? [...selected, id] : selected.filter((unitId) => unitId !== id));
  };

  const renderLevel = (parentId: string | null, covered: boolean) => (
    <ul className={styles.tree}>
      {(children.get(parentId) ?? []).map((unit) => {
        const chosen = selected.includes(unit.id);
        const hasChildren = (children.get(unit.id)?.length ?? 0) > 0;
        return (
          <li key={unit.id} data-test={`${dataTest}-unit`} data-unit-id={unit.id}>
            <span className={styles.treeRow}>
              {hasChildren ? (
                <Button small secondary onClick={() => toggleOpen(unit.id)} aria-label={i18n.t('Show or hide the units below')}>
                  {isOpen(unit) ? '−' : '+'}
                </Button>
              ) : (
                <span className={styles.treeSpacer} />
              )}
              <Checkbox
                label={covered ? i18n.t('{{name}} (covered by a unit above)', { name: unit.name }) : unit.name}
                checked={chosen || covered}
                disabled={covered}
                onChange={({ checked }) => toggleSelected(unit.id, checked)}
                dataTest={`${dataTest}-check-${unit.id}`}
              />
            </span>
            {hasChildren && isOpen(unit) && renderLevel(unit.id, covered || (chosen && !single))}
          </li>
        );
      })}
    </ul>
  );

  if (units.length === 0) return <p>{i18n.t('There are no org units yet. Create them or connect DHIS2 first.')}</p>;
  return <div data-test={dataTest}>{renderLevel(null, false)}</div>;
}
