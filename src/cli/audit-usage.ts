// The audit command's usage lines, on their own so that `kube-ai-sre help` and the other commands
// do not load the Redis client the audit command needs.
export const AUDIT_USAGE = `       kube-ai-sre audit verify [--against-slack] [--checkpoint SEQ:HASH]...
                                     (exit 0 when the chain is intact and holds every checkpoint, 9 when it does not)
       kube-ai-sre audit export [--since WHEN] [--until WHEN] [--incident ID] [--actor WHO]
                                [--action A[,B]] [--format jsonl|csv]
                                     (entries oldest first; WHEN: 2025-03-04, 2025-03-04T09:00:00Z or 7d/24h/30m)`;
