import type { SeededRandom } from './random.js';

/** A position in WGS 84 degrees. */
export interface Position {
  lat: number;
  lon: number;
}

const EARTH_RADIUS_M = 6_371_000;
const MINUTE_MS = 60_000;

// A community health worker's working day: three to six villages within
// about 8 km of home, reached on foot at about 4 km/h, with half an hour to
// two hours at each for visits, then back home for the night.
const MIN_VILLAGES = 3;
const MAX_VILLAGES = 6;
const MAX_VILLAGE_DISTANCE_M = 8_000;
const MIN_VILLAGE_DISTANCE_M = 1_000;
const WALKING_SPEED_M_PER_MS = 4_000 / 3_600_000;
const MIN_VISIT_MS = 30 * MINUTE_MS;
const MAX_VISIT_MS = 120 * MINUTE_MS;
const NIGHT_AT_HOME_MS = 10 * 60 * MINUTE_MS;
// Network and GPS fixes of cheap phones scatter by tens of metres.
const FIX_SCATTER_M = 25;

/** One stretch of the round: staying at a point, or walking between two. */
type Leg = { kind: 'stay'; at: Position; durationMs: number } | { kind: 'walk'; from: Position; to: Position; durationMs: number };

/**
 * Positions of a health worker's phone over simulated time: a daily round from
 * home through nearby villages and back, repeated every day. The round is
 * drawn once from the seeded generator, so a fleet started with the same
 * seed walks the same paths, and the position is a function of simulated
 * time alone.
 */
export class VillageRound {
  private readonly legs: Leg[];
  private readonly periodMs: number;

  constructor(random: SeededRandom, home: Position) {
    const villages = drawVillages(random, home);
    this.legs = buildLegs(random, home, villages);
    this.periodMs = this.legs.reduce((sum, leg) => sum + leg.durationMs, 0);
  }

  /** Villages of the round in visiting order, for tests and maps. */
  get stops(): Position[] {
    return this.legs.flatMap((leg) => (leg.kind === 'stay' ? [wrapLongitude(leg.at)] : []));
  }

  /** Length of one round in simulated milliseconds. */
  get roundMs(): number {
    return this.periodMs;
  }

  /** Position at a simulated time, without fix scatter. */
  positionAt(simulatedMs: number): Position {
    let offset = ((simulatedMs % this.periodMs) + this.periodMs) % this.periodMs;
    for (const leg of this.legs) {
      if (offset < leg.durationMs) return wrapLongitude(positionOnLeg(leg, offset));
      offset -= leg.durationMs;
    }
    const last = this.legs[this.legs.length - 1]!;
    return wrapLongitude(last.kind === 'stay' ? last.at : last.to);
  }
}

/** Adds fix scatter of up to FIX_SCATTER_M in a random direction. */
export function scatter(random: SeededRandom, position: Position): Position {
  return wrapLongitude(offsetBy(position, random.between(0, FIX_SCATTER_M), random.between(0, 2 * Math.PI)));
}

/**
 * Brings a longitude back into -180..180. The round is planned without
 * wrapping, so that a walk across the antimeridian (Fiji, Kiribati, Tonga)
 * takes the short way, and only reported positions are wrapped.
 */
function wrapLongitude(position: Position): Position {
  if (position.lon >= -180 && position.lon <= 180) return position;
  return { lat: position.lat, lon: ((((position.lon + 180) % 360) + 360) % 360) - 180 };
}

function drawVillages(random: SeededRandom, home: Position): Position[] {
  const count = random.integer(MIN_VILLAGES, MAX_VILLAGES);
  const villages: Position[] = [];
  for (let index = 0; index < count; index += 1) {
    const distance = random.between(MIN_VILLAGE_DISTANCE_M, MAX_VILLAGE_DISTANCE_M);
    villages.push(offsetBy(home, distance, random.between(0, 2 * Math.PI)));
  }
  // Visiting in order of bearing from home makes a loop rather than a zigzag.
  return villages.sort((a, b) => bearing(home, a) - bearing(home, b));
}

function buildLegs(random: SeededRandom, home: Position, villages: Position[]): Leg[] {
  const legs: Leg[] = [{ kind: 'stay', at: home, durationMs: NIGHT_AT_HOME_MS }];
  let here = home;
  for (const village of villages) {
    legs.push(walk(here, village));
    legs.push({ kind: 'stay', at: village, durationMs: random.between(MIN_VISIT_MS, MAX_VISIT_MS) });
    here = village;
  }
  legs.push(walk(here, home));
  return legs;
}

function walk(from: Position, to: Position): Leg {
  return { kind: 'walk', from, to, durationMs: Math.max(MINUTE_MS, distanceM(from, to) / WALKING_SPEED_M_PER_MS) };
}

function positionOnLeg(leg: Leg, offsetMs: number): Position {
  if (leg.kind === 'stay') return leg.at;
  const share = offsetMs / leg.durationMs;
  return { lat: leg.from.lat + (leg.to.lat - leg.from.lat) * share, lon: leg.from.lon + (leg.to.lon - leg.from.lon) * share };
}

/** Moves `distance` metres along a bearing in radians; flat-earth, fine over a few kilometres. */
function offsetBy(position: Position, distance: number, bearingRad: number): Position {
  const dLat = (distance * Math.cos(bearingRad)) / EARTH_RADIUS_M;
  const dLon = (distance * Math.sin(bearingRad)) / (EARTH_RADIUS_M * Math.cos((position.lat * Math.PI) / 180));
  return { lat: position.lat + (dLat * 180) / Math.PI, lon: position.lon + (dLon * 180) / Math.PI };
}

/** Distance in metres by the equirectangular approximation, within 0.1 % over a few kilometres. */
export function distanceM(a: Position, b: Position): number {
  const meanLat = (((a.lat + b.lat) / 2) * Math.PI) / 180;
  const x = (((b.lon - a.lon) * Math.PI) / 180) * Math.cos(meanLat);
  const y = ((b.lat - a.lat) * Math.PI) / 180;
  return Math.sqrt(x * x + y * y) * EARTH_RADIUS_M;
}

function bearing(from: Position, to: Position): number {
  return Math.atan2(to.lon - from.lon, to.lat - from.lat);
}

/**
 * Returns a 32-bit seed from text (FNV-1a), so a phone's movement can have
 * a generator of its own derived from its seeded identity without drawing
 * from, and so shifting, the agent's main generator.
 */
export function seedFromText(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
