// The routes the fuzz properties attack. Agent routes are listed here as
// docs/agent-protocol.md lists them, with the TypeBox schemas the server
// validates against. Admin routes are read from the OpenAPI document, so a
// new admin route is fuzzed without an edit here.
import {
  DeviceInfoSchema,
  DeviceLogUploadSchema,
  EnrolOptionsSchema,
} from '../../../src/domain/agent-reports.js';
import type { RawHttpClient } from './http.js';
import type { JsonSchema } from './json-schema-arbitrary.js';

export interface ParameterSpec {
  name: string;
  schema: JsonSchema;
}

export interface RouteSpec {
  method: string;
  /** Path with `{name}` placeholders, without the project prefix. */
  path: string;
  pathParameters: string[];
  query: ParameterSpec[];
  /** Schema of a JSON body, or null for a route without one. */
  jsonBody: JsonSchema | null;
  /** Content types the route accepts for a raw body, such as an APK upload. */
  rawBodyTypes: string[];
}

const DEVICE_INFO = DeviceInfoSchema as unknown as JsonSchema;

function agentRoute(method: string, path: string, jsonBody: JsonSchema | null = null): RouteSpec {
  const pathParameters = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] as string);
  return { method, path, pathParameters, query: [], jsonBody, rawBodyTypes: [] };
}

/** Every route the agent calls. */
export const AGENT_ROUTES: RouteSpec[] = [
  agentRoute('POST', '/rest/public/sync/configuration/{deviceId}', EnrolOptionsSchema as unknown as JsonSchema),
  agentRoute('GET', '/rest/public/sync/configuration/{deviceId}'),
  agentRoute('POST', '/rest/public/sync/info', DEVICE_INFO),
  agentRoute('GET', '/rest/notification/polling/{deviceId}'),
  agentRoute('GET', '/rest/notifications/device/{deviceId}'),
  agentRoute('GET', '/rest/plugins/devicelog/log/rules/{deviceId}'),
  agentRoute('POST', '/rest/plugins/devicelog/log/list/{deviceId}', DeviceLogUploadSchema as unknown as JsonSchema),
  agentRoute('POST', '/rest/plugins/devicereset/public/{deviceId}', DEVICE_INFO),
  agentRoute('POST', '/rest/plugins/devicereset/public/reboot/{deviceId}', DEVICE_INFO),
  agentRoute('POST', '/rest/plugins/devicereset/public/password/{deviceId}', DEVICE_INFO),
  agentRoute('GET', '/files/apps/{appVersionId}/{fileName}'),
  agentRoute('HEAD', '/files/apps/{appVersionId}/{fileName}'),
];

interface OpenApiParameter {
  name: string;
  in: string;
  schema?: JsonSchema;
}

interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  consumes?: string[];
  [extension: `x-${string}`]: unknown;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
}

const HTTP_METHODS = new Set(['get', 'head', 'post', 'put', 'patch', 'delete']);

// The upload route reads a raw body, which @fastify/swagger records only as
// the route's `consumes`; its media types are listed in docs/admin-api.md.
const APK_MEDIA_TYPES = ['application/vnd.android.package-archive', 'application/octet-stream'];

/** Fetches the OpenAPI document the server publishes at /api/docs/json. */
export async function fetchOpenApi(http: RawHttpClient, prefix: string): Promise<OpenApiDocument> {
  const response = await http.send({ method: 'GET', path: `${prefix}/api/docs/json` });
  if (response.status !== 200) throw new Error(`GET /api/docs/json returned ${response.status}`);
  return JSON.parse(response.text) as OpenApiDocument;
}

/** Converts every operation of the OpenAPI document to a route spec. Paths keep their /api prefix. */
export function adminRoutes(document: OpenApiDocument): Array<RouteSpec & { operation: OpenApiOperation }> {
  const routes: Array<RouteSpec & { operation: OpenApiOperation }> = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      if (!HTTP_METHODS.has(method)) continue;

      const parameters = operation.parameters ?? [];
      const content = operation.requestBody?.content ?? {};
      const isUpload = path.endsWith('/apps/upload');
      routes.push({
        method: method.toUpperCase(),
        path,
        pathParameters: parameters.filter((parameter) => parameter.in === 'path').map((parameter) => parameter.name),
        query: parameters
          .filter((parameter) => parameter.in === 'query')
          .map((parameter) => ({ name: parameter.name, schema: parameter.schema ?? {} })),
        jsonBody: content['application/json']?.schema ?? null,
        rawBodyTypes: isUpload ? APK_MEDIA_TYPES : [],
        operation,
      });
    }
  }
  return routes;
}
