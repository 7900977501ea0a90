// Whether a model name as configured ("mistral", "llama3:8b") is among the installed tags.
export function isInstalled(installed: readonly string[], wanted: string): boolean {
  const full = wanted.includes(':') ? wanted : `${wanted}:latest`;
  return installed.includes(wanted) || installed.includes(full);
}
