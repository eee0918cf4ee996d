// Shapes shared by the bench server processes and the parent that drives
// them. The server entry files run on import, so the parent imports this
// file instead.

/** Paths of the ceiling routes of the bare Fastify server. */
export const CEILING_PATHS = { get: '/ceiling', post: '/ceiling' } as const;

/** Announcement of a bench server once it listens. */
export interface ServerReady {
  url: string;
  pid: number;
}

/** Announcement of the Outpost child once it listens. */
export interface OutpostReady extends ServerReady {
  longPollHoldSeconds: number;
  /** Port of the embedded MQTT broker, or null when OUTPOST_MQTT_MODE does not start one. */
  mqttPort: number | null;
}
