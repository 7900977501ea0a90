{{/* The chart name, or nameOverride. */}}
{{- define "kube-ai-sre-agent.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The agent's objects: the release name when it contains the chart name, else release-chart. */}}
{{- define "kube-ai-sre-agent.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Prefix of the companion objects, as manifests/ names them: kube-ai-sre-agent -> kube-ai-sre, so
kube-ai-sre-policies and kube-ai-sre-redis.
*/}}
{{- define "kube-ai-sre-agent.prefix" -}}
{{- include "kube-ai-sre-agent.fullname" . | trimSuffix "-agent" | trunc 53 | trimSuffix "-" }}
{{- end }}

{{- define "kube-ai-sre-agent.policiesName" -}}
{{- printf "%s-policies" (include "kube-ai-sre-agent.prefix" .) }}
{{- end }}

{{- define "kube-ai-sre-agent.redisName" -}}
{{- printf "%s-redis" (include "kube-ai-sre-agent.prefix" .) }}
{{- end }}

{{- define "kube-ai-sre-agent.redisAppName" -}}
{{- printf "%s-redis" (include "kube-ai-sre-agent.name" . | trimSuffix "-agent") }}
{{- end }}

{{- define "kube-ai-sre-agent.slackSecretName" -}}
{{- if .Values.slack.createSecret }}
{{- include "kube-ai-sre-agent.fullname" . }}
{{- else }}
{{- default (include "kube-ai-sre-agent.fullname" .) .Values.slack.existingSecret }}
{{- end }}
{{- end }}

{{- define "kube-ai-sre-agent.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels every object carries besides its selector labels. */}}
{{- define "kube-ai-sre-agent.commonLabels" -}}
helm.sh/chart: {{ include "kube-ai-sre-agent.chart" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "kube-ai-sre-agent.selectorLabels" -}}
app.kubernetes.io/name: {{ include "kube-ai-sre-agent.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: agent
{{- end }}

{{- define "kube-ai-sre-agent.labels" -}}
{{ include "kube-ai-sre-agent.selectorLabels" . }}
{{ include "kube-ai-sre-agent.commonLabels" . }}
{{- end }}

{{- define "kube-ai-sre-agent.redisSelectorLabels" -}}
app.kubernetes.io/name: {{ include "kube-ai-sre-agent.redisAppName" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: redis
{{- end }}

{{- define "kube-ai-sre-agent.redisLabels" -}}
{{ include "kube-ai-sre-agent.redisSelectorLabels" . }}
{{ include "kube-ai-sre-agent.commonLabels" . }}
{{- end }}

{{/*
Cross-field rules the schema cannot say clearly; each fails the install with one plain sentence.
*/}}
{{- define "kube-ai-sre-agent.validate" -}}
{{- $r := .Values.redis }}
{{- if and $r.enabled (or $r.external.url $r.external.existingSecret) }}
{{- fail "redis: set either redis.enabled=true (the bundled Redis) or redis.external.url / redis.external.existingSecret, not both" }}
{{- end }}
{{- if and (not $r.enabled) (not $r.external.url) (not $r.external.existingSecret) (not $r.sentinel.hosts) }}
{{- fail "redis: redis.enabled=false needs redis.external.url (a Redis URL) or redis.external.existingSecret (a Secret holding one), or redis.sentinel.hosts" }}
{{- end }}
{{- if and $r.enabled (or $r.sentinel.hosts $r.sentinel.masterName) }}
{{- fail "redis: redis.sentinel is for an external Redis with Sentinel; set redis.enabled=false (the bundled Redis is a single node)" }}
{{- end }}
{{- if and $r.sentinel.hosts (not $r.sentinel.masterName) }}
{{- fail "redis: redis.sentinel.hosts needs redis.sentinel.masterName (the name the sentinels monitor)" }}
{{- end }}
{{- if and $r.sentinel.masterName (not $r.sentinel.hosts) }}
{{- fail "redis: redis.sentinel.masterName needs redis.sentinel.hosts (the sentinels as host:port)" }}
{{- end }}
{{- if and $r.external.url $r.external.existingSecret }}
{{- fail "redis: set redis.external.url or redis.external.existingSecret, not both" }}
{{- end }}
{{- $s := .Values.slack }}
{{- if $s.createSecret }}
{{- if $s.existingSecret }}
{{- fail "slack: slack.createSecret=true creates the Secret; leave slack.existingSecret empty (or use it instead of createSecret)" }}
{{- end }}
{{- if not $s.botToken }}
{{- fail "slack: slack.createSecret=true needs slack.botToken (xoxb-...)" }}
{{- end }}
{{- if not $s.channelId }}
{{- fail "slack: slack.createSecret=true needs slack.channelId (the channel incidents are posted to, e.g. C0123456789)" }}
{{- end }}
{{- if and (not $s.appToken) (not $s.signingSecret) }}
{{- fail "slack: slack.createSecret=true needs slack.appToken (Socket Mode) or slack.signingSecret (HTTP mode)" }}
{{- end }}
{{- else if or $s.botToken $s.appToken $s.signingSecret $s.channelId }}
{{- fail "slack: slack.botToken/appToken/signingSecret/channelId are used only with slack.createSecret=true (otherwise put them in the existing Secret)" }}
{{- end }}
{{- if not .Values.policies }}
{{- fail "policies: at least one policy is needed (the agent refuses to start without one)" }}
{{- end }}
{{- end }}

{{/* The label matchers of the agent's own series as the ServiceMonitor scrapes them. */}}
{{- define "kube-ai-sre-agent.seriesSelector" -}}
{{- printf "job=%q, namespace=%q" (include "kube-ai-sre-agent.fullname" .) .Release.Namespace }}
{{- end }}

{{/*
Increase of a counter over a window, counting series that first appeared inside the window too.
The agent creates a labelled counter on its first increment (e.g. decisions_total{outcome="error"}
appears at 1), and increase() cannot see that first step; a series absent a window ago counts with
its whole value. Call with (list "metric{matchers}" "15m").
*/}}
{{- define "kube-ai-sre-agent.recentIncrease" -}}
{{- $s := index . 0 }}{{ $w := index . 1 -}}
((sum(increase({{ $s }}[{{ $w }}]) and {{ $s }} offset {{ $w }}) or vector(0)) + (sum({{ $s }} unless {{ $s }} offset {{ $w }}) or vector(0)))
{{- end }}
