import QRCode from 'qrcode';

import { requireRole, type Caller } from '../../auth/caller.js';
import type { AppContext } from '../../context.js';
import { InvalidInputError, NotFoundError } from '../../domain/errors.js';
import type { Dhis2UserRef } from '../../store/repositories/assignments.js';
import { orgUnitVisibleTo } from './device-scope.js';
import { renderEnrolmentSheet, type SheetSlot } from './enrolment-sheet-html.js';
import { requireChosenAgent } from './enrolment-agent.js';
import { createEnrolmentToken, DEFAULT_TOKEN_HOURS, MAX_TOKEN_LABEL_LENGTH } from './enrolment-tokens.js';
import { findPolicyOrThrow } from './policies.js';
import { getProvisioningPayload } from './provisioning-qr.js';

export interface EnrolmentSheetInput {
  orgUnitId: string;
  policyId: string;
  /** 'users': one QR per DHIS2 user of the unit; 'blank': `count` QRs for phones without a named user. */
  source: 'users' | 'blank';
  /**
   * With 'users': also the users of every unit below, for a training session
   * that covers a whole district. Each QR enrols into the user's own unit.
   */
  includeSubunits?: boolean;
  count?: number;
  expiresInHours?: number;
}

/** Two hundred phones fill a long training day; larger batches are split into several sheets. */
export const MAX_SHEET_SLOTS = 500;

/**
 * Creates one single-use enrolment token per planned phone of an org unit,
 * bound to the unit, the chosen policy and (for 'users') the DHIS2 user,
 * and returns an A4 HTML page set with one QR code each, ready to print.
 */
export async function createEnrolmentSheet(ctx: AppContext, caller: Caller, input: EnrolmentSheetInput): Promise<string> {
  requireRole(caller, 'admin');

  const unit = await ctx.store.orgUnits.findById(input.orgUnitId);
  if (!unit || !(await orgUnitVisibleTo(ctx, caller, unit.id))) {
    throw new NotFoundError(`Org unit ${input.orgUnitId} was not found. Choose one from the org unit list.`, 'body.orgUnitId');
  }
  const policy = await findPolicyOrThrow(ctx, input.policyId, 'body.policyId');
  // The QR codes need the agent APK; checking first leaves no tokens behind when it is missing.
  await requireChosenAgent(ctx);

  const people = input.source === 'users' ? await usersOfUnit(ctx, unit, input.includeSubunits ?? false) : blankSlots(input.count);
  if (people.length > MAX_SHEET_SLOTS) {
    throw new InvalidInputError(`The sheet would have ${people.length} QR codes; print at most ${MAX_SHEET_SLOTS} at a time.`, 'body.count');
  }

  const slots: SheetSlot[] = [];
  for (const [index, person] of people.entries()) {
    const token = await createEnrolmentToken(ctx, caller, {
      policyId: policy.id,
      orgUnitId: person.orgUnitId ?? unit.id,
      dhis2UserId: person.uid,
      label: (person.uid === null ? `#${index + 1} ${unit.name}` : `${person.username}: ${unit.name}`).slice(0, MAX_TOKEN_LABEL_LENGTH),
      maxUses: 1,
      expiresInHours: input.expiresInHours ?? DEFAULT_TOKEN_HOURS,
    });
    const payload = await getProvisioningPayload(ctx, caller, token.id);
    slots.push({
      number: index + 1,
      name: person.name,
      username: person.username,
      dhis2UserId: person.uid,
      qrSvg: await QRCode.toString(JSON.stringify(payload), { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }),
      expiresAt: token.expiresAt,
    });
  }

  await ctx.store.audit.record(
    {
      actor: caller.username,
      action: 'enrolment.sheet.create',
      targetType: 'org_unit',
      targetId: unit.id,
      details: { policyId: policy.id, source: input.source, includeSubunits: input.includeSubunits ?? false, tokens: slots.length },
    },
    ctx.now(),
  );
  return renderEnrolmentSheet({ unitName: unit.name, unitId: unit.id, policyName: policy.name, slots, createdAt: ctx.now() });
}

interface Person {
  uid: string | null;
  username: string | null;
  name: string | null;
  /** Unit the QR enrols into when it is not the sheet's unit. */
  orgUnitId?: string;
}

async function usersOfUnit(ctx: AppContext, unit: { id: string; path: string }, includeSubunits: boolean): Promise<Person[]> {
  const users: Array<Dhis2UserRef & { subtreeUnitId?: string }> = includeSubunits
    ? await ctx.store.assignments.listDhis2UsersInSubtree(unit.path)
    : await ctx.store.assignments.listDhis2Users(unit.id);
  const active = users.filter((user) => !user.disabled);
  if (active.length === 0) {
    const where = includeSubunits ? 'this org unit or the units below it' : 'this org unit';
    throw new InvalidInputError(
      `No active DHIS2 user is assigned to ${where}. Synchronise DHIS2 users, or print blank slots instead.`,
      'body.source',
    );
  }
  return active.map((user) => ({
    uid: user.uid,
    username: user.username,
    name: user.displayName,
    ...(user.subtreeUnitId !== undefined && { orgUnitId: user.subtreeUnitId }),
  }));
}

function blankSlots(count: number | undefined): Person[] {
  if (count === undefined || !Number.isInteger(count) || count < 1) {
    throw new InvalidInputError('Blank slots need a count: give the number of phones, from 1.', 'body.count');
  }
  if (count > MAX_SHEET_SLOTS) {
    throw new InvalidInputError(`Print at most ${MAX_SHEET_SLOTS} blank slots at a time.`, 'body.count');
  }
  return Array.from({ length: count }, () => ({ uid: null, username: null, name: null }));
}
