import { SCHEMA_VERSION } from './schema';

/** Readers accept any report of our major version or older; a newer major means a newer QuantLens wrote it. */
export function checkSchemaVersion(found: unknown, file: string): string | null {
  if (typeof found !== 'string' || !/^\d+\.\d+\.\d+$/.test(found)) return `${file} has no valid schemaVersion; it was not written by QuantLens.`;
  const major = Number(found.split('.')[0]);
  const ours = Number(SCHEMA_VERSION.split('.')[0]);
  if (major > ours) return `${file} uses report schema ${found}, newer than this QuantLens understands (${SCHEMA_VERSION}). Update QuantLens to read it.`;
  return null;
}
