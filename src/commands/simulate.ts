import { readFile } from 'node:fs/promises';

import { InvalidArgumentError, type Command } from 'commander';

import { startFleet, type Fleet } from '../../simulator/index.js';

// Often enough to watch a rollout, rare enough to read.
const STATUS_INTERVAL_SECONDS = 5;

interface SimulateFlags {
  server?: string;
  qr: string;
  count: number;
  speed: number;
  seed?: number;
  secret?: string;
  duration?: number;
  statusInterval: number;
  ramp?: number;
  maxConnections?: number;
  mqttPort?: number;
}

const MAX_TCP_PORT = 65_535;

export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description('run virtual Headwind MDM agents against a server, provisioned from a QR code JSON file')
    .requiredOption('--qr <file>', 'provisioning JSON, as GET /api/v1/enrolment/tokens/:id/qr.json returns it')
    .option('--server <url>', "server origin to use instead of the QR's com.hmdm.BASE_URL, e.g. http://127.0.0.1:8080")
    .option('--count <n>', 'number of agents', positiveInteger, 10)
    .option('--speed <k>', 'time factor: with 60 an agent hour lasts a real minute', positiveNumber, 1)
    .option('--seed <s>', 'seed for serials, IMEIs, models and locations (default: random)', seedNumber)
    .option('--secret <text>', 'request-signature secret compiled into the agent (default: the open-source build\'s)')
    .option('--duration <seconds>', 'stop after this many real seconds (default: run until interrupted)', positiveNumber)
    .option('--status-interval <seconds>', 'seconds between status lines', positiveNumber, STATUS_INTERVAL_SECONDS)
    .option(
      '--ramp <seconds>',
      'real seconds over which agent starts are spread, 0 for all at once (default: 0.01 per agent, at most 10)',
      nonNegativeNumber,
    )
    .option('--max-connections <n>', 'sockets for requests other than long polls (default: 32)', positiveInteger)
    .option('--mqtt-port <port>', "MQTT broker port on the server's host, for agents on MQTT push (default: 31000)", tcpPort)
    .action(async (flags: SimulateFlags) => {
      const qr = await readQrFile(flags.qr);
      const fleet = await startFleet({
        qr,
        count: flags.count,
        speed: flags.speed,
        serverUrl: flags.server,
        seed: flags.seed,
        secret: flags.secret,
        ...(flags.ramp === undefined ? {} : { rampMs: flags.ramp * 1000 }),
        ...(flags.maxConnections === undefined ? {} : { maxConnections: flags.maxConnections }),
        ...(flags.mqttPort === undefined ? {} : { mqttPort: flags.mqttPort }),
      });
      process.stdout.write(`Started ${flags.count} agents at speed ${flags.speed} with seed ${fleet.seed}.\n`);
      await runUntilStopped(fleet, flags.statusInterval, flags.duration);
    });
}

/** Prints the fleet status periodically until SIGINT, SIGTERM or the duration, then stops the fleet. */
export async function runUntilStopped(fleet: Fleet, statusIntervalSeconds: number, durationSeconds?: number): Promise<void> {
  const printer = setInterval(() => process.stdout.write(`${fleet.statusLine()}\n`), statusIntervalSeconds * 1000);

  await new Promise<void>((resolve) => {
    const finish = () => {
      process.off('SIGINT', finish);
      process.off('SIGTERM', finish);
      clearTimeout(timer);
      resolve();
    };
    const timer = durationSeconds === undefined ? undefined : setTimeout(finish, durationSeconds * 1000);
    process.once('SIGINT', finish);
    process.once('SIGTERM', finish);
  });

  clearInterval(printer);
  process.stdout.write(`${fleet.statusLine()}\nStopping the agents.\n`);
  await fleet.stop();
}

async function readQrFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`Cannot read the QR file ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`The QR file ${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError(`expected a whole number of at least 1, got "${value}".`);
  return parsed;
}

function seedNumber(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 2 ** 32 - 1) {
    throw new InvalidArgumentError(`expected a whole number from 0 to 4294967295, got "${value}".`);
  }
  return parsed;
}

function nonNegativeNumber(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < 0) {
    throw new InvalidArgumentError(`expected a number of 0 or more, got "${value}".`);
  }
  return parsed;
}

function tcpPort(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > MAX_TCP_PORT) {
    throw new InvalidArgumentError(`expected a TCP port from 1 to ${MAX_TCP_PORT}, got "${value}".`);
  }
  return parsed;
}

function positiveNumber(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new InvalidArgumentError(`expected a positive number, got "${value}".`);
  return parsed;
}
