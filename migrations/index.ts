/**
 * The ordered list of migrations. knex is given this list instead of a directory so that
 * migrations run the same under tsx, jest and the CLI without dynamic imports of .ts files.
 * Add a migration: create migrations/<yyyymmddhhmmss>_<verb_noun>.ts and list it here.
 */
import type { Knex } from 'knex';
import * as createAccounts from './20261123000001_create_accounts.js';
import * as createClients from './20261123000002_create_clients.js';
import * as createOidcPayloads from './20261123000003_create_oidc_payloads.js';
import * as createSigningKeys from './20261123000004_create_signing_keys.js';
import * as createLoginRecords from './20261123000005_create_login_records.js';
import * as createDirectory from './20261123000006_create_directory.js';
import * as addRequestedUsername from './20261123000007_add_requested_username.js';
import * as createCredentials from './20261123000014_create_credentials.js';
import * as createPassOneCodes from './20261123000016_create_pass_one_codes.js';
import * as createLoginPolicies from './20261123000020_create_login_policies.js';
import * as createServices from './20261123000021_create_services.js';
import * as addLoginRecordScope from './20261123000022_add_login_record_scope.js';
import * as addLoginRecordPortalIndex from './20261123000023_add_login_record_portal_index.js';
import * as addLoginRecordStatistics from './20261123000024_add_login_record_statistics.js';

interface Migration {
  up(db: Knex): Promise<void>;
  down(db: Knex): Promise<void>;
}

const migrations: Record<string, Migration> = {
  '20261123000001_create_accounts': createAccounts,
  '20261123000002_create_clients': createClients,
  '20261123000003_create_oidc_payloads': createOidcPayloads,
  '20261123000004_create_signing_keys': createSigningKeys,
  '20261123000005_create_login_records': createLoginRecords,
  '20261123000006_create_directory': createDirectory,
  '20261123000007_add_requested_username': addRequestedUsername,
  '20261123000014_create_credentials': createCredentials,
  '20261123000016_create_pass_one_codes': createPassOneCodes,
  '20261123000020_create_login_policies': createLoginPolicies,
  '20261123000021_create_services': createServices,
  '20261123000022_add_login_record_scope': addLoginRecordScope,
  '20261123000023_add_login_record_portal_index': addLoginRecordPortalIndex,
  '20261123000024_add_login_record_statistics': addLoginRecordStatistics,
};

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(migrations),
  getMigrationName: (name) => name,
  getMigration: async (name) => migrations[name]!,
};
