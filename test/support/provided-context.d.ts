// Values globalSetup provides to every test file through vitest's inject().
import type { TestClusterInfo } from './test-cluster/cluster-info.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    testCluster: TestClusterInfo;
  }
}
