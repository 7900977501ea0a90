# syntax=docker/dockerfile:1
# kube-ai-sre-agent: Node 24 runs the TypeScript sources directly (type stripping). The first
# stage installs production dependencies; the second builds the one generated file, the bundle of
# the part of client-node the agent loads (what `npm ci` does outside Docker, as `prepare`).

FROM node:24-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# --omit=dev also drops the `node` devDependency (a pinned Node 24 for machines whose system node
# is older): the base image already is Node 24. No install scripts run; the one optional native
# addon (msgpackr-extract) ships prebuilt binaries and falls back to JavaScript without them.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force

FROM node:24-slim AS client-node-bundle
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY scripts/vendor ./scripts/vendor
RUN node scripts/vendor/client-node.ts

FROM node:24-slim AS runtime
ENV NODE_ENV=production \
    HEALTH_PORT=8080 \
    POLICY_DIR=/app/policies
WORKDIR /app
# A fixed non-root uid/gid that manifests can name (runAsUser: 10001).
RUN groupadd --gid 10001 agent \
 && useradd --uid 10001 --gid 10001 --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin agent
# Application files stay root-owned and read-only to the agent user.
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json ./
COPY bin ./bin
COPY policies ./policies
COPY src ./src
COPY --from=client-node-bundle /app/src/adapters/kubernetes/vendor ./src/adapters/kubernetes/vendor
# The labelled incidents `kube-ai-sre eval` scores models on, so a model can be chosen where it runs.
COPY eval ./eval
USER 10001:10001
# 8080: /healthz, /readyz, /metrics. 3000: Slack HTTP mode (/slack/events); unused in Socket Mode.
# 9095: the Alertmanager webhook (POST /alertmanager), only when ALERTMANAGER_TOKEN is set.
EXPOSE 8080 3000 9095
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.HEALTH_PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "src/main.ts"]
