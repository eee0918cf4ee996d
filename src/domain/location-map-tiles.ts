/** Tile source of the console maps. */
export interface MapTileSettings {
  /** Leaflet URL template, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png. */
  urlTemplate: string;
  /** Attribution the tile provider requires; shown on every map. */
  attribution: string;
}

// The OpenStreetMap Foundation's standard tile layer. Its tile usage policy
// requires visible licence attribution, which the console shows on every map.
export const DEFAULT_MAP_TILE_URL = 'https://tile.openstreetmap.org/{z}/{x}/{y}.png';
export const DEFAULT_MAP_TILE_ATTRIBUTION = '© OpenStreetMap contributors';

// Placeholders Leaflet 1.9 fills in per tile: subdomain, zoom, column, row,
// row counted from the south ({-y}, for TMS servers) and "@2x" on high-density
// screens. Leaflet throws on any other name that is not a layer option, and
// then no tile loads.
const KNOWN_PLACEHOLDERS = new Set(['{s}', '{z}', '{x}', '{y}', '{-y}', '{r}']);

// Characters RFC 3986 never allows unencoded in a URL: whitespace, controls,
// double quote, angle brackets, backslash, caret, backtick and pipe. The
// template's server goes into the Content-Security-Policy header, where a tab
// would start a new source or, after a semicolon, a new directive.
const UNENCODED_CHARACTERS = /[\s\u0000-\u001f\u007f"<>\\^`|]/;

// A host name or an IPv4 address, with an optional port. Only the first
// label may carry {s}, because a Content-Security-Policy wildcard covers the
// leftmost label alone. CSP source expressions have no form for an IPv6
// address, so a tile server on one would be blocked by the console's policy.
const TEMPLATE_HOST = /^(?:(?:[a-z0-9-]*\{s\}[a-z0-9-]*|[a-z0-9-]+)(?:\.[a-z0-9-]+)+|[a-z0-9-]+)(?::\d{1,5})?$/i;

const EXAMPLE = 'https://tile.openstreetmap.org/{z}/{x}/{y}.png';

/** Returns what is wrong with a tile URL template, or null when it is usable. */
export function checkTileUrlTemplate(template: string): string | null {
  const unencoded = UNENCODED_CHARACTERS.exec(template);
  if (unencoded) {
    return `the template contains ${JSON.stringify(unencoded[0])}, which a URL carries only percent-encoded; encode it or remove it.`;
  }

  const parsed = parseTemplateUrl(template);
  if (!parsed) return `expected an absolute http or https URL such as ${EXAMPLE}.`;
  if (!TEMPLATE_HOST.test(parsed.host)) {
    let hint = '';
    if (parsed.host.includes('{s}')) hint = ' {s} may stand only in the first label, as in https://{s}.tile.example.org.';
    else if (parsed.host.startsWith('[')) hint = ' Content-Security-Policy cannot name an IPv6 address, so give the server a host name.';
    return `the server "${parsed.host}" is not a host name or IPv4 address with an optional port.${hint}`;
  }

  const unknown = (template.match(/\{[^{}]*\}/g) ?? []).filter((placeholder) => !KNOWN_PLACEHOLDERS.has(placeholder));
  if (unknown.length > 0) {
    return `the template has ${unknown.join(', ')}, which Leaflet cannot fill in; use only {s}, {z}, {x}, {y}, {-y} and {r}, and write other values such as keys into the URL.`;
  }

  const missing = ['{z}', '{x}', '{y}'].filter((placeholder) => !template.includes(placeholder) && !(placeholder === '{y}' && template.includes('{-y}')));
  if (missing.length > 0) return `the template lacks ${missing.join(', ')}; Leaflet fills these in per tile.`;
  return null;
}

/**
 * Returns the Content-Security-Policy source that lets the console load
 * tiles from the template's server, e.g. https://tile.openstreetmap.org.
 * A first host label with {s} becomes a `*` wildcard. Returns null for a
 * template that checkTileUrlTemplate rejects.
 */
export function tileImageSource(template: string): string | null {
  const parsed = parseTemplateUrl(template);
  if (!parsed || checkTileUrlTemplate(template) !== null) return null;

  const host = parsed.host.replace(/^[^.]*\{s\}[^.]*\./, '*.');
  return `${parsed.protocol}//${host}`;
}

/** Splits the scheme and host off a template, whose placeholders URL() would reject in the host. */
function parseTemplateUrl(template: string): { protocol: string; host: string } | null {
  const match = /^(https?:)\/\/([^/?#]+)(?:[/?#]|$)/i.exec(template);
  if (!match) return null;

  const protocol = match[1]!.toLowerCase();
  const host = match[2]!;
  if (host.includes('@')) return null;
  const probe = host.replace(/\{s\}/g, 'a');
  if (!URL.canParse(`${protocol}//${probe}/`)) return null;
  return { protocol, host: host.toLowerCase() };
}
