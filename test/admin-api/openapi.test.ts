import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { TestServer } from '../support/server.js';
import { ApiClient, startApiServer } from './support/client.js';

const ROUTES: Array<[string, string]> = [
  ['post', '/api/v1/auth/login'],
  ['get', '/api/v1/auth/session'],
  ['post', '/api/v1/auth/logout'],
  ['get', '/api/v1/fleet/summary'],
  ['get', '/api/v1/devices'],
  ['get', '/api/v1/devices/{id}'],
  ['patch', '/api/v1/devices/{id}'],
  ['post', '/api/v1/devices/{id}/commands'],
  ['get', '/api/v1/apps'],
  ['post', '/api/v1/apps/upload'],
  ['get', '/api/v1/apps/versions/{id}/download'],
  ['get', '/api/v1/policies'],
  ['post', '/api/v1/policies'],
  ['get', '/api/v1/policies/{id}'],
  ['put', '/api/v1/policies/{id}'],
  ['delete', '/api/v1/policies/{id}'],
  ['get', '/api/v1/org-units'],
  ['post', '/api/v1/org-units'],
  ['get', '/api/v1/enrolment/agent'],
  ['put', '/api/v1/enrolment/agent'],
  ['get', '/api/v1/enrolment/tokens'],
  ['post', '/api/v1/enrolment/tokens'],
  ['get', '/api/v1/enrolment/tokens/{id}/qr.json'],
  ['get', '/api/v1/enrolment/tokens/{id}/qr.png'],
  ['post', '/api/v1/enrolment/tokens/{id}/revoke'],
  ['get', '/api/v1/audit'],
  ['get', '/api/v1/users'],
  ['post', '/api/v1/users'],
  ['patch', '/api/v1/users/{id}'],
  ['post', '/api/v1/users/{id}/password'],
  ['post', '/api/v1/auth/dhis2-login'],
  ['get', '/api/v1/auth/methods'],
  ['get', '/api/v1/auth/dhis2-login/settings'],
  ['put', '/api/v1/auth/dhis2-login/settings'],
  ['get', '/api/v1/auth/dhis2-login/groups'],
  ['get', '/api/v1/devices/{id}/assignment'],
  ['get', '/api/v1/assignments/dhis2-users'],
  ['get', '/api/v1/assignments/export.csv'],
  ['post', '/api/v1/assignments/import'],
  ['get', '/api/v1/org-unit-policies'],
  ['put', '/api/v1/org-units/{id}/policy'],
  ['post', '/api/v1/enrolment/sheets'],
];

describe('OpenAPI document', () => {
  let server: TestServer;
  let document: any;

  beforeAll(async () => {
    server = await startApiServer();
    const response = await new ApiClient(server).get('/docs/json');
    expect(response.status).toBe(200);
    document = response.body;
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('is OpenAPI 3', () => {
    expect(document.openapi).toMatch(/^3\./);
    expect(document.info.title).toBe('Outpost admin API');
  });

  for (const [method, path] of ROUTES) {
    it(`documents ${method.toUpperCase()} ${path}`, () => {
      const operation = document.paths[path]?.[method];

      expect(operation).toBeDefined();
      expect(Object.keys(operation.responses)).toContain('4XX');
      const success = Object.keys(operation.responses).find((status) => status.startsWith('2'));
      expect(success).toBeDefined();
    });
  }

  it('documents request bodies', () => {
    const create = document.paths['/api/v1/policies'].post.requestBody.content['application/json'].schema;

    expect(create.required).toContain('name');
    expect(Object.keys(create.properties)).toEqual(['name', 'description', 'settings', 'adminPassword', 'expectedVersion', 'clearAdminPassword', 'apps']);
  });

  it('serves the interactive page without a session', async () => {
    const response = await new ApiClient(server).get('/docs');

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
  });

  it('documents the same routes under a project path', async () => {
    const projectServer = await startApiServer({ publicUrl: 'http://127.0.0.1:1/outpost' });
    try {
      const response = await new ApiClient(projectServer).get('/docs/json');
      expect(Object.keys(response.body.paths)).toContain('/outpost/api/v1/devices');
    } finally {
      await projectServer.dispose();
    }
  });
});
