// Every part of the incident store over one Redis connection and one key prefix, for wiring.
// Each part has one job (incident-records, incident-history-index, incident-threads, once-locks,
// fingerprint-mutes);
// use cases ask for the parts they use.
import type { IncidentStore } from '../../ports.ts';
import { createIncidentHistoryIndex } from './incident-history-index.ts';
import { createIncidentRecords, type IncidentRecordsOptions } from './incident-records.ts';
import { createIncidentThreads } from './incident-threads.ts';
import { createOnceLocks } from './once-locks.ts';
import { createFingerprintMutes } from './fingerprint-mutes.ts';

/** The records' options; the other parts use the same connection, prefix, retention and logger. */
export type IncidentStoreOptions = IncidentRecordsOptions;

export function createIncidentStore(options: IncidentStoreOptions): IncidentStore {
  const records = createIncidentRecords(options);
  return {
    ...records,
    ...createIncidentHistoryIndex(options),
    ...createIncidentThreads({ ...options, incidents: records }),
    ...createOnceLocks(options),
    ...createFingerprintMutes(options),
  };
}
