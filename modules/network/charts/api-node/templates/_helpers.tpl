{{- define "api-node.fullname" -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}

{{- define "api-node.selectorLabels" -}}
app.kubernetes.io/name: spacemesh-api-node
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "api-node.labels" -}}
{{ include "api-node.selectorLabels" . }}
app.kubernetes.io/component: api-node
app.kubernetes.io/part-of: spacemesh
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version | replace "+" "_" }}
{{- with .Values.network.id }}
spacemesh.io/net-id: {{ . | quote }}
{{- end }}
{{- end -}}

{{/* Fails the render when a value the chart cannot do without is missing or unsafe. */}}
{{- define "api-node.validate" -}}
{{- if not .Values.image }}{{ fail "image is required (e.g. spacemeshos/go-spacemesh:v1.7.6)" }}{{ end -}}
{{- if not .Values.nodeConfig }}{{ fail "nodeConfig is required (the API node config JSON)" }}{{ end -}}
{{- if not .Values.serviceAccountName }}{{ fail "serviceAccountName is required" }}{{ end -}}
{{- if not .Values.statsApi.image }}{{ fail "statsApi.image is required (e.g. spacemeshos/explorer-stats-api:v2.1.0)" }}{{ end -}}
{{- $priv := int .Values.ports.private -}}
{{- range $name, $p := dict "ports.grpc" .Values.ports.grpc "ports.json" .Values.ports.json "statsApi.ports.http" .Values.statsApi.ports.http -}}
{{- if eq (int $p) $priv }}{{ fail (printf "%s is %d, the node's private port: private services are never exposed" $name (int $p)) }}{{ end -}}
{{- end -}}
{{- if eq (int .Values.ports.grpc) (int .Values.ports.json) }}{{ fail "ports.grpc and ports.json must differ" }}{{ end -}}
{{- range $name, $p := dict "statsApi.ports.refresh" .Values.statsApi.ports.refresh "statsApi.ports.metrics" .Values.statsApi.ports.metrics -}}
{{- if eq (int $p) (int $.Values.statsApi.ports.http) }}{{ fail (printf "%s is the stats API's public port %d: refresh and metrics are never public" $name (int $p)) }}{{ end -}}
{{- end -}}
{{- if not .Values.ingress.host }}{{ fail "ingress.host is required" }}{{ end -}}
{{- if not .Values.ingress.tlsSecretName }}{{ fail "ingress.tlsSecretName is required: the API is served over https only" }}{{ end -}}
{{- if not .Values.ingress.grpc.match }}{{ fail "ingress.grpc.match is required (the Traefik rule that selects gRPC by content type)" }}{{ end -}}
{{- if not .Values.statsApi.ingress.host }}{{ fail "statsApi.ingress.host is required" }}{{ end -}}
{{- if not .Values.statsApi.ingress.tlsSecretName }}{{ fail "statsApi.ingress.tlsSecretName is required: the stats API is served over https only" }}{{ end -}}
{{- if not (has .Values.persistence.whenDeleted (list "Retain" "Delete")) }}{{ fail "persistence.whenDeleted must be Retain or Delete" }}{{ end -}}
{{- end -}}
