// Timings and fixed values of the open-source Headwind MDM agent
// (com.hmdm.launcher v6.36), as documented in its Const.java, its workers and
// its build.gradle. Durations are in simulated milliseconds: the fleet clock
// divides them by the speed factor. Network timeouts are not scaled, because
// the server keeps long polls open and responds in real time.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** SendDeviceInfoWorker period. Its first run comes one period after scheduling. */
export const DEVICE_INFO_INTERVAL_MS = 15 * MINUTE;

/** PushNotificationWorker period: it checks whether a full sync is due. */
export const SYNC_CHECK_INTERVAL_MS = 15 * MINUTE;

/** CONFIG_UPDATE_INTERVAL: the worker forces a sync once the last is older. */
export const CONFIG_UPDATE_INTERVAL_MS = HOUR;

/** PushLongPollingService sleeps this long after every poll response. */
export const POLL_PAUSE_AFTER_RESPONSE_MS = 5 * SECOND;

/** PushLongPollingService sleeps this long after an HTTP 4xx, or after a request failed on both URLs. */
export const POLL_PAUSE_AFTER_ERROR_MS = 60 * SECOND;

/** Defaults of com.hmdm.CONN_RETRY_COUNT and CONN_RETRY_DELAY for the first sync. */
export const FIRST_SYNC_RETRY_COUNT = 2;
export const FIRST_SYNC_RETRY_DELAY_MS = 15 * SECOND;

/** Const.CONNECTION_TIMEOUT: connect, read and write timeout of every call but the long poll. */
export const CONNECTION_TIMEOUT_MS = 10 * SECOND;

/** Const.LONG_POLLING_READ_TIMEOUT: read timeout of the long poll. */
export const LONG_POLL_READ_TIMEOUT_MS = 300 * SECOND;

/** BuildConfig.REQUEST_SIGNATURE of the public open-source build. */
export const DEFAULT_AGENT_SECRET = 'changeme-C3z9vi54';

/** Package of the open-source agent, used when the QR names no admin component. */
export const DEFAULT_AGENT_PACKAGE = 'com.hmdm.launcher';

/** DeviceInfo.launcherType of the open-source product flavour. */
export const LAUNCHER_TYPE = 'opensource';

// The next values are the simulator's own, not the agent's: how long the
// phone stays off, and how long an unanswered first sync waits before the
// simulated user taps "retry" again.

/** Time from a reboot request until the agent syncs again after booting. */
export const REBOOT_DURATION_MS = 90 * SECOND;

/** Time from a wipe until the re-provisioned agent enrols again. */
export const FACTORY_RESET_DURATION_MS = 5 * MINUTE;

/** Pause after the first-sync retries are used up, before the next round. */
export const FIRST_SYNC_GIVE_UP_PAUSE_MS = 15 * MINUTE;

/** BuildConfig.MQTT_PORT of the public build: the broker port on the primary base URL's host. */
export const DEFAULT_MQTT_PORT = 31000;

/** MQTT keep-alive of the mqttWorker mode; keepaliveTime does not change it. */
export const MQTT_WORKER_KEEPALIVE_SECONDS = 900;

/** keepaliveTime values under this are ignored in favour of MQTT_DEFAULT_KEEPALIVE_SECONDS. */
export const MQTT_MIN_KEEPALIVE_SECONDS = 30;
export const MQTT_DEFAULT_KEEPALIVE_SECONDS = 300;

/**
 * Time the MQTT client waits for CONNACK. The agent sets no connection
 * timeout, so Paho mqttv3's MqttConnectOptions default of 30 s applies.
 */
export const MQTT_CONNECT_TIMEOUT_MS = 30 * SECOND;

/** Pause before the next MQTT connect after one failed. */
export const MQTT_RECONNECT_AFTER_FAILURE_MS = 900 * SECOND;
