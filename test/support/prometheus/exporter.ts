// A small /metrics endpoint on loopback serving synthetic cAdvisor and kube-state-metrics series
// at the real current time, for a real Prometheus to scrape. Series can be added while it runs.
import { createServer } from 'node:http';
import { listenOnLoopback } from '../listen.ts';
import { exposition, type SyntheticSeries } from './synthetic.ts';

export interface TestExporter {
  /** host:port, the scrape target. */
  target: string;
  scrapes(): number;
  add(series: readonly SyntheticSeries[]): void;
  close(): Promise<void>;
}

export async function startTestExporter(initial: readonly SyntheticSeries[] = []): Promise<TestExporter> {
  const series: SyntheticSeries[] = [...initial];
  let scrapes = 0;
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    scrapes++;
    const body = exposition(series, Date.now() / 1000);
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(body);
  });
  const port = await listenOnLoopback(server);
  return {
    target: `127.0.0.1:${port}`,
    scrapes: () => scrapes,
    add: (more) => {
      series.push(...more);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
