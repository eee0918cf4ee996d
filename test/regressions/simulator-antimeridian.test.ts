import { describe, expect, it } from 'vitest';

import { checkFix } from '../../src/domain/location-fix.js';
import { scatter, VillageRound } from '../../simulator/movement.js';
import { SeededRandom } from '../../simulator/random.js';

// A simulated phone whose home lies near the antimeridian, as in Fiji, once
// walked to villages past longitude 180. Outpost rejected every such fix as
// invalid coordinates, so the simulated track had holes a real phone never makes.

const MINUTE = 60_000;
// About 3 km west of the 180° meridian, as in Fiji's northern islands.
const HOME = { lat: -16.43, lon: 179.97 };

describe('simulated rounds near the antimeridian', () => {
  it('report only valid longitudes', () => {
    const now = Date.now();
    for (let seed = 1; seed <= 20; seed += 1) {
      const random = new SeededRandom(seed);
      const round = new VillageRound(random, HOME);

      for (let time = 0; time < round.roundMs; time += 15 * MINUTE) {
        const fix = scatter(random, round.positionAt(time));
        expect(fix.lon, `seed ${seed} at ${time}`).toBeGreaterThanOrEqual(-180);
        expect(fix.lon, `seed ${seed} at ${time}`).toBeLessThanOrEqual(180);
        expect(checkFix({ takenAt: now, lat: fix.lat, lon: fix.lon }, now), `seed ${seed} at ${time}`).toBeNull();
      }
    }
  });

  it('cross to the eastern side', () => {
    const crossings = Array.from({ length: 20 }, (_, index) => new VillageRound(new SeededRandom(index + 1), HOME))
      .flatMap((round) => round.stops)
      .filter((stop) => stop.lon < 0);

    // Villages lie up to 8 km away and 180° is about 3 km east, so some rounds cross it.
    expect(crossings.length).toBeGreaterThan(0);
    for (const stop of crossings) expect(stop.lon).toBeLessThan(-179.9);
  });
});
