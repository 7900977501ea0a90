// Usage line of `kube-ai-sre eval`, apart from the command so `help` loads no adapters.
export const EVAL_USAGE = `       kube-ai-sre eval [--models M1,M2] [--cases PATH] [--repeat N] [--timeout-ms MS] [--json]
                                     (scores local models on labelled incidents; OLLAMA_MODEL by default)`;
