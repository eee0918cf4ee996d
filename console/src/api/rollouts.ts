import { request } from './client.js';
import type { App, AppVersion } from './types.js';

// Shapes and calls of the rollout, pin and release-import routes (docs/rollouts.md).

export type RolloutState = 'draft' | 'running' | 'paused' | 'halted' | 'complete';
export type RolloutDeviceStatus = 'pending' | 'downloading' | 'installed' | 'failed' | 'incompatible';

/** Devices a rollout or pin covers; an empty list does not filter. */
export interface Scope {
  policyIds: string[];
  orgUnitIds: string[];
  /** Device record ids (DeviceSummary.id), not agent device ids. */
  deviceIds: string[];
}

export interface RolloutStage {
  startsAt: number;
  /** Share of in-scope devices, 0 < percent ≤ 100. */
  percent: number;
  /** Failure percentage above which the rollout halts. */
  failureThreshold: number;
}

export interface Rollout {
  id: string;
  packageName: string;
  appVersionId: string;
  targetVersionCode: number;
  targetVersionName: string | null;
  state: RolloutState;
  scope: Scope;
  stages: RolloutStage[];
  /** Index of the last started stage, -1 before the first. */
  currentStage: number;
  signerChanged: boolean;
  /** Each entry starts with a code such as "signer_changed:". */
  warnings: string[];
  haltReason: string | null;
  createdAt: number;
  createdBy: string | null;
  updatedAt: number;
}

export interface RolloutInput {
  packageName: string;
  appVersionId: string;
  scope?: Partial<Scope>;
  stages: RolloutStage[];
  start?: boolean;
}

export interface StatusCounts {
  pending: number;
  downloading: number;
  installed: number;
  failed: number;
  incompatible: number;
}

export interface StageProgress extends RolloutStage, StatusCounts {
  index: number;
  started: boolean;
  devices: number;
}

export interface RolloutDevice {
  id: string;
  deviceId: string;
  /** Stage that selects the device, or -1 when no stage does. */
  stage: number;
  pilot: boolean;
  status: RolloutDeviceStatus | 'not_selected';
  offers: number;
  installedVersionCode: number | null;
  bytesServed: number;
  lastOfferedAt: number | null;
}

export interface DataCost {
  apkBytes: number;
  devicesToDownload: number;
  /** APK size times the selected devices still pending or downloading. */
  estimatedBytes: number;
  /** Measured bytes of the target sent to in-scope devices. */
  servedBytes: number;
}

export interface RolloutProgress {
  rolloutId: string;
  state: RolloutState;
  currentStage: number;
  devicesInScope: number;
  stages: StageProgress[];
  totals: StatusCounts & { notSelected: number };
  dataCost: DataCost;
  devices: { items: RolloutDevice[]; nextCursor: string | null };
}

export interface Pin {
  id: string;
  packageName: string;
  maxVersionCode: number;
  scope: Scope;
  reason: string | null;
  createdAt: number;
  createdBy: string | null;
}

export interface PinInput {
  packageName: string;
  maxVersionCode: number;
  scope?: Partial<Scope>;
  reason?: string;
}

export type ReleaseVariant = 'plain' | 'googlePlay' | 'training';

export interface ReleaseImportInput {
  url: string;
  sha256?: string;
  variant?: ReleaseVariant;
  confirmSignerChange?: boolean;
}

export interface ReleaseImportResult {
  app: App;
  version: AppVersion;
  source: { url: string; assetName: string | null };
}

/** State changes that take no body; halt is separate because it takes a reason. */
export type RolloutAction = 'start' | 'pause' | 'resume' | 'complete';

const rolloutPath = (id: string) => `rollouts/${encodeURIComponent(id)}`;

/** Returns every rollout, newest first. */
export function fetchRollouts(): Promise<Rollout[]> {
  return request<Rollout[]>('GET', 'rollouts');
}

export function fetchRollout(id: string): Promise<Rollout> {
  return request<Rollout>('GET', rolloutPath(id));
}

export function createRollout(input: RolloutInput): Promise<Rollout> {
  return request<Rollout>('POST', 'rollouts', { body: input });
}

export function changeRolloutState(id: string, action: RolloutAction): Promise<Rollout> {
  return request<Rollout>('POST', `${rolloutPath(id)}/${action}`);
}

export function haltRollout(id: string, reason: string): Promise<Rollout> {
  return request<Rollout>('POST', `${rolloutPath(id)}/halt`, { body: reason ? { reason } : {} });
}

/** Puts failed devices back to pending: all of them, or the listed device record ids. */
export function retryFailedDevices(id: string, deviceIds?: string[]): Promise<{ retried: number }> {
  return request<{ retried: number }>('POST', `${rolloutPath(id)}/retry`, { body: deviceIds ? { deviceIds } : {} });
}

export function fetchRolloutProgress(id: string, limit: number, cursor: string | null): Promise<RolloutProgress> {
  return request<RolloutProgress>('GET', `${rolloutPath(id)}/progress`, { query: { limit, cursor } });
}

export function fetchPins(): Promise<Pin[]> {
  return request<Pin[]>('GET', 'pins');
}

export function createPin(input: PinInput): Promise<Pin> {
  return request<Pin>('POST', 'pins', { body: input });
}

export function deletePin(id: string): Promise<void> {
  return request<void>('DELETE', `pins/${encodeURIComponent(id)}`);
}

/** Downloads a release APK on the server from a release listing, release page or APK URL. */
export function importRelease(input: ReleaseImportInput): Promise<ReleaseImportResult> {
  return request<ReleaseImportResult>('POST', 'apps/import', { body: input });
}
