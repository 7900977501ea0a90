// Usage line of `kube-ai-sre doctor`, apart from the command so `help` loads no adapters.
export const DOCTOR_USAGE = `       kube-ai-sre doctor [--json]   (checks Slack, Kubernetes, Redis, Ollama and policies as npm start would use them)`;
