/**
 * Port the agent connects to for MQTT. It is compiled into the agent
 * (`MQTT_PORT` in its build file) and the server cannot change it.
 */
export const AGENT_MQTT_PORT = 31000;

/** MQTT push settings: off, a broker inside Outpost, or an external broker. */
export type MqttSettings =
  | { mode: 'off' }
  /** Broker inside the Outpost process, listening on host and port. */
  | { mode: 'embedded'; host: string; port: number }
  /** Outpost publishes to an external broker at this mqtt:// or mqtts:// URL. */
  | { mode: 'external'; url: string };

export type MqttMode = MqttSettings['mode'];
