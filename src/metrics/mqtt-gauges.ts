import { Counter, Gauge, type Registry } from 'prom-client';

import type { AppContext } from '../context.js';
import { CompositePushHub } from '../push/composite-hub.js';
import type { MqttTransportStatus } from '../push/mqtt/publisher.js';

/**
 * Registers the MQTT push gauges: whether the broker is reachable, clients
 * of the embedded broker, and wake-ups waiting in Outpost for an external
 * broker. Without MQTT push none is registered, because an unlabelled gauge
 * always reports a value and a 0 would read as a broker that is down.
 */
export function collectMqttGauges(ctx: AppContext, registry: Registry): void {
  const status = (): MqttTransportStatus | null => (ctx.push instanceof CompositePushHub ? ctx.push.mqttStatus() : null);
  const initial = status();
  if (initial === null) return;

  new Gauge({
    name: 'outpost_mqtt_broker_connected',
    help: 'Whether MQTT messages reach a broker: 1 while the embedded broker runs or the connection to the external broker is up.',
    registers: [registry],
    collect() {
      const current = status();
      if (current) this.set(current.connected ? 1 : 0);
    },
  });

  // Outpost can count the clients of its embedded broker only.
  if (initial.clients !== null) {
    new Gauge({
      name: 'outpost_mqtt_clients',
      help: 'Clients connected to the embedded MQTT broker of this process.',
      registers: [registry],
      collect() {
        this.set(status()?.clients ?? 0);
      },
    });
  }

  new Gauge({
    name: 'outpost_mqtt_queued_wakeups',
    help: 'MQTT messages waiting in this process for the external broker to come back.',
    registers: [registry],
    collect() {
      const current = status();
      if (current) this.set(current.queued);
    },
  });

  // Read from the queue's own count at each scrape, so drops before the first scrape are included.
  let reported = 0;
  new Counter({
    name: 'outpost_mqtt_dropped_wakeups_total',
    help: 'MQTT messages dropped because the queue for the unreachable external broker was full.',
    registers: [registry],
    collect() {
      const current = status();
      if (!current) return;
      this.inc(current.dropped - reported);
      reported = current.dropped;
    },
  });
}
