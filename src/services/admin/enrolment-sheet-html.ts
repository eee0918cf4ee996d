export interface SheetSlot {
  number: number;
  name: string | null;
  username: string | null;
  dhis2UserId: string | null;
  /** The QR code as an SVG document. */
  qrSvg: string;
  expiresAt: number | null;
}

export interface SheetContent {
  unitName: string;
  unitId: string;
  policyName: string;
  slots: SheetSlot[];
  createdAt: number;
}

// Six QR codes per A4 page (two across, three down) scan well at about 6 cm.
const SLOTS_PER_PAGE = 6;

/**
 * Renders the enrolment sheet: A4 pages with print CSS, one labelled QR
 * code per slot, six to a page. Every text is HTML-escaped; the QR SVG
 * comes from the qrcode library and carries no user text.
 */
export function renderEnrolmentSheet(content: SheetContent): string {
  const pages: string[] = [];
  for (let start = 0; start < content.slots.length; start += SLOTS_PER_PAGE) {
    const slots = content.slots.slice(start, start + SLOTS_PER_PAGE).map((slot) => renderSlot(slot, content));
    pages.push(`<section class="page">\n${pageHeader(content)}<div class="grid">\n${slots.join('\n')}\n</div>\n</section>`);
  }

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Enrolment sheet: ${escapeHtml(content.unitName)}</title>
<style>
@page { size: A4; margin: 12mm; }
* { box-sizing: border-box; }
body { font-family: Roboto, Arial, sans-serif; color: #212934; margin: 0; }
.page { page-break-after: always; break-after: page; }
.page:last-child { page-break-after: auto; break-after: auto; }
header { display: flex; justify-content: space-between; border-bottom: 1px solid #a0adba; padding-bottom: 2mm; margin-bottom: 4mm; font-size: 10pt; }
.grid { display: grid; grid-template-columns: 1fr 1fr; gap: 6mm; }
.slot { border: 1px dashed #a0adba; padding: 4mm; text-align: center; break-inside: avoid; height: 82mm; }
.slot svg { width: 58mm; height: 58mm; }
.slot .who { font-size: 12pt; font-weight: 500; margin-top: 2mm; }
.slot .ids { font-size: 8pt; color: #4a5768; }
.blank-line { display: inline-block; border-bottom: 1px solid #212934; width: 60mm; height: 6mm; }
@media screen { body { background: #f3f5f7; } .page { background: #fff; width: 210mm; margin: 8mm auto; padding: 12mm; } }
</style>
</head>
<body>
${pages.join('\n')}
</body>
</html>
`;
}

function pageHeader(content: SheetContent): string {
  const created = new Date(content.createdAt).toISOString().slice(0, 10);
  return (
    `<header><span><strong>${escapeHtml(content.unitName)}</strong> (${escapeHtml(content.unitId)})</span>` +
    `<span>Policy: ${escapeHtml(content.policyName)}</span><span>Printed ${created}</span></header>\n`
  );
}

function renderSlot(slot: SheetSlot, content: SheetContent): string {
  const who =
    slot.username === null
      ? `<div class="who">Phone ${slot.number}: <span class="blank-line"></span></div>`
      : `<div class="who">${escapeHtml(slot.name ?? slot.username)}</div>`;
  const ids = [
    `#${slot.number}`,
    slot.username === null ? null : `user ${escapeHtml(slot.username)}`,
    slot.dhis2UserId === null ? null : `uid ${escapeHtml(slot.dhis2UserId)}`,
    `unit ${escapeHtml(content.unitId)}`,
    slot.expiresAt === null ? null : `valid until ${new Date(slot.expiresAt).toISOString().slice(0, 10)}`,
  ].filter((part) => part !== null);

  return `<div class="slot" data-slot="${slot.number}">${slot.qrSvg}${who}<div class="ids">${ids.join(' · ')}</div></div>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
