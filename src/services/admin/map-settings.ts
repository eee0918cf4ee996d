import { requireRole, type Caller } from '../../auth/caller.js';
import type { AppContext } from '../../context.js';
import type { MapTileSettings } from '../../domain/location-map-tiles.js';

/** Returns the tile source the console maps use, set by OUTPOST_MAP_TILE_URL and OUTPOST_MAP_TILE_ATTRIBUTION. */
export function getMapSettings(ctx: AppContext, caller: Caller): MapTileSettings {
  requireRole(caller, 'viewer');
  return { urlTemplate: ctx.config.mapTiles.urlTemplate, attribution: ctx.config.mapTiles.attribution };
}
